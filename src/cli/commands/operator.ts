import { parseArgs } from 'node:util';
import { formatJalaliDateTime } from '../../lib/jalali.js';
import type { CliContext } from '../context.js';
import { CliError } from '../context.js';
import { printNote, printResult } from '../output.js';
import { createRedis } from '../../redis.js';
import { createPanelAccess, panelLinkIssuer, publicBaseUrl } from '../../app/container.js';

export const operatorUsage = `bashgah operator invite <merchantId> --role owner|manager|cashier [--branch <name>] [--json]
  Prints a one-time code (valid 24 h); in the merchant's bot, /admin <code> links that Telegram account.
bashgah operator list <merchantId> [--json]
bashgah operator panel-link <merchantId> <operator id or Telegram user id> [--json]
  Prints a one-time sign-in link to the web panel (valid 10 minutes, one use).`;

async function printPanelLink(c: CliContext, merchantId: string, who: string | undefined, json: boolean) {
  if (!who) throw new CliError(`Name the operator (id from \`operator list\`)\n${operatorUsage}`, 2);
  const op = (await c.services.operators.list(merchantId)).find((o) => !o.disabledAt && (o.id === who || o.telegramUserId === who));
  if (!op) throw new CliError(`No active operator ${who} in this club (see: bashgah operator list ${merchantId})`);
  const redis = createRedis(c.config.REDIS_URL);
  try {
    const issue = panelLinkIssuer(createPanelAccess(c.services, redis, c.config.REDIS_PREFIX), publicBaseUrl(c.config));
    const { url, expiresAt } = await issue(op, 'cli');
    printResult(json, { url, operatorId: op.id, role: op.role, expiresAt: expiresAt.toISOString() }, url);
    printNote(
      `Open it in a browser to sign in as ${op.role}${op.displayName ? ` (${op.displayName})` : ''}. One use, until ${formatJalaliDateTime(expiresAt, { time: true, locale: 'en' })} (Tehran).`,
    );
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

export async function runOperatorCommand(args: string[], ctx: () => Promise<CliContext>): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { role: { type: 'string' }, branch: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const merchantId = positionals[0];
  if (!merchantId || !['invite', 'list', 'panel-link'].includes(sub ?? '')) throw new CliError(`Usage:\n${operatorUsage}`, 2);
  const c = await ctx();
  await c.merchants.get(merchantId);
  if (sub === 'panel-link') return printPanelLink(c, merchantId, positionals[1], values.json ?? false);
  if (sub === 'list') {
    const list = await c.services.operators.list(merchantId);
    printResult(
      values.json ?? false,
      list,
      list.length
        ? list
            .map(
              (o) =>
                `${o.id}  ${o.role}${o.branch ? ` (${o.branch})` : ''}  ${o.displayName ?? ''}  telegram:${o.telegramUserId ?? '-'}${o.disabledAt ? '  disabled' : ''}`,
            )
            .join('\n')
        : 'No operators yet.',
    );
    return;
  }
  if (!values.role) throw new CliError(`--role is required\n${operatorUsage}`, 2);
  const { code, expiresAt } = await c.services.operators.invite(merchantId, values.role, values.branch ?? null, 'cli');
  printResult(
    values.json ?? false,
    { code, role: values.role, branch: values.branch ?? null, expiresAt: expiresAt.toISOString() },
    `/admin ${code}`,
  );
  printNote(
    `Send that in the merchant's bot to link a Telegram account as ${values.role}. One use, until ${formatJalaliDateTime(expiresAt, { time: true, locale: 'en' })} (Tehran).`,
  );
}
