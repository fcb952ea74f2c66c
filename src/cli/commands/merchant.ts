import { parseArgs } from 'node:util';
import type { CliContext } from '../context.js';
import { CliError } from '../context.js';
import { printNote, printResult } from '../output.js';

export const merchantUsage = `bashgah merchant create --name <name> [--telegram-token <token>] [--bale-token <token>] [--json]
bashgah merchant list [--json]
bashgah merchant rotate-key <merchantId> [--json]
bashgah merchant rotate-secret <merchantId> [--json]
bashgah merchant whatsapp <merchantId> <number|off> [--json]
bashgah merchant bale <merchantId> <token|off> [--json]`;

export async function runMerchantCommand(args: string[], ctx: () => Promise<CliContext>): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'telegram-token': { type: 'string' },
      'bale-token': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const json = values.json ?? false;
  switch (sub) {
    case 'create': {
      if (!values.name) throw new CliError(`--name is required\n${merchantUsage}`, 2);
      const c = await ctx();
      const m = await c.merchants.create({ name: values.name, telegramToken: values['telegram-token'], baleToken: values['bale-token'] });
      printResult(
        json,
        { id: m.id, name: m.name, apiKey: m.apiKey, webhookSecret: m.webhookSecret },
        `Merchant created: ${m.name}\n  id:             ${m.id}\n  API key:        ${m.apiKey}\n  webhook secret: ${m.webhookSecret}`,
      );
      printNote('Store the API key and webhook secret now: they are not shown again.');
      return;
    }
    case 'list': {
      const c = await ctx();
      const list = await c.merchants.list();
      printResult(
        json,
        list,
        list.length
          ? list
              .map(
                (m) =>
                  `${m.id}  ${m.name}${m.isDefault ? ' (default)' : ''}  keys: ${m.apiKeyPrefixes.map((p) => `${p}…`).join(', ') || 'none'}${m.hasTelegramToken ? '  telegram: yes' : ''}${m.hasBaleToken ? '  bale: yes' : ''}${m.whatsappNumber ? `  whatsapp: ${m.whatsappNumber}` : ''}`,
              )
              .join('\n')
          : 'No merchants yet. Create one with: bashgah merchant create --name <name>',
      );
      return;
    }
    case 'rotate-key': {
      const id = requireId(positionals);
      const c = await ctx();
      const r = await c.merchants.rotateApiKey(id);
      printResult(json, r, `New API key for ${id}: ${r.apiKey}\nEarlier keys no longer work.`);
      return;
    }
    case 'rotate-secret': {
      const id = requireId(positionals);
      const c = await ctx();
      const r = await c.merchants.rotateWebhookSecret(id);
      printResult(
        json,
        r,
        `New webhook secret for ${id}: ${r.webhookSecret}\nThe previous secret is still accepted until the next rotation.`,
      );
      return;
    }
    case 'whatsapp': {
      const id = requireId(positionals);
      const number = positionals[1];
      if (!number) throw new CliError(`a WhatsApp number (or off) is required\n${merchantUsage}`, 2);
      const c = await ctx();
      const set = await c.merchants.setWhatsAppNumber(id, number === 'off' ? null : number);
      printResult(
        json,
        { id, whatsappNumber: set },
        set
          ? `Club ${id} runs on WhatsApp at ${set}. Start it with ROLE=whatsapp WHATSAPP=web and scan the QR it prints.`
          : `Club ${id} is no longer on WhatsApp.`,
      );
      return;
    }
    case 'bale': {
      const id = requireId(positionals);
      const token = positionals[1];
      if (!token) throw new CliError(`a Bale bot token (or off) is required\n${merchantUsage}`, 2);
      const c = await ctx();
      await c.merchants.setBaleToken(id, token === 'off' ? null : token);
      printResult(
        json,
        { id, bale: token !== 'off' },
        token === 'off'
          ? `Club ${id} is no longer on Bale.`
          : `Club ${id} runs on Bale with this bot; the bot role picks it up at its next start (or within a minute for broadcasts).`,
      );
      return;
    }
    default:
      throw new CliError(merchantUsage, 2);
  }
}

function requireId(positionals: string[]): string {
  const id = positionals[0];
  if (!id) throw new CliError(`a merchant id is required\n${merchantUsage}`, 2);
  return id;
}
