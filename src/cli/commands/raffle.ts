import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { verifyDraw } from '../../domain/rewards/raffle-fairness.js';
import type { RaffleProof } from '../../domain/rewards/raffle-service.js';
import type { CliContext } from '../context.js';
import { CliError } from '../context.js';
import { printResult } from '../output.js';

export const raffleUsage = `bashgah raffle verify <raffleId> [--proof <url or file>] [--json]
  Re-runs a drawn raffle from its published seed, public value and tickets. With --proof it
  needs no database: give the public proof URL (/v1/public/raffles/<id>/proof) or a saved copy.`;

async function loadProof(source: string): Promise<RaffleProof> {
  const text = /^https?:\/\//.test(source)
    ? await fetch(source).then(async (r) => {
        if (!r.ok) throw new CliError(`Could not fetch the proof: HTTP ${r.status}`, 1);
        return r.text();
      })
    : await readFile(source, 'utf8');
  return JSON.parse(text) as RaffleProof;
}

export async function runRaffleCommand(args: string[], ctx: () => Promise<CliContext>): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { proof: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (sub !== 'verify' || !positionals[0]) throw new CliError(`Usage:\n${raffleUsage}`, 2);
  const id = positionals[0];
  let check;
  let raffle;
  if (values.proof) {
    const proof = await loadProof(values.proof);
    if (proof.raffle.id !== id) throw new CliError(`The proof is for raffle ${proof.raffle.id}, not ${id}`, 1);
    if (proof.raffle.status !== 'drawn') throw new CliError('The raffle has not been drawn yet', 1);
    raffle = proof.raffle;
    check = verifyDraw(
      raffle,
      proof.tickets.map(([number, memberId]) => ({ number, memberId })),
    );
  } else {
    const out = await (await ctx()).services.raffles.verify(id);
    raffle = out.raffle;
    check = out;
  }
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISMATCH');
  printResult(
    values.json ?? false,
    {
      raffleId: id,
      ok: check.ok,
      seedMatches: check.seedMatches,
      publicValueMatches: check.publicValueMatches,
      winnersMatch: check.winnersMatch,
      publicValue: check.publicValue,
      winners: check.winners,
    },
    [
      `Raffle ${id}: ${raffle.title}`,
      `  seed hash      ${raffle.seedHash}  sha256(seed): ${mark(check.seedMatches)}`,
      `  public value   ${check.publicValue}  ${mark(check.publicValueMatches)}`,
      ...check.winners.map((w) => `  ${w.prize}: ticket ${w.ticket} (member ${w.memberId})`),
      `  winners as announced: ${mark(check.winnersMatch)}`,
      check.ok ? 'Verified: the same seed and tickets give the same winners.' : 'NOT verified.',
    ].join('\n'),
  );
  if (!check.ok) process.exitCode = 1;
}
