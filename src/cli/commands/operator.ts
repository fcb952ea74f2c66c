import { parseArgs } from 'node:util';
import { formatJalaliDateTime } from '../../lib/jalali.js';
import type { CliContext } from '../context.js';
import { CliError } from '../context.js';
import { printNote, printResult } from '../output.js';

export const operatorUsage = `bashgah operator invite <merchantId> --role owner|manager|cashier [--branch <name>] [--json]
  Prints a one-time code (valid 24 h); in the merchant's bot, /admin <code> links that Telegram account.
bashgah operator list <merchantId> [--json]`;

export async function runOperatorCommand(args: string[], ctx: () => Promise<CliContext>): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { role: { type: 'string' }, branch: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const merchantId = positionals[0];
  if (!merchantId || (sub !== 'invite' && sub !== 'list')) throw new CliError(`Usage:\n${operatorUsage}`, 2);
  const c = await ctx();
  await c.merchants.get(merchantId);
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
