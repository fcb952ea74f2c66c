import { createHash, createHmac } from 'node:crypto';

export interface Ticket {
  number: number;
  memberId: string;
}

export interface Winner {
  prize: string;
  ticket: number;
  memberId: string;
}

export const FAIRNESS_ALGORITHM =
  'seedHash = sha256(seed); publicValue = sha256(tickets in number order, one "number:memberId" per line, joined by \\n); ' +
  'for prize place k (0-based, prizes in order, each repeated count times) and attempt a = 0, 1, …: ' +
  'h = HMAC-SHA256(key = seed, message = "publicValue:k:a") as a big-endian integer; ticket number (h mod ticketCount) + 1; ' +
  'a member already drawn is skipped with the next attempt; draws stop when every member has won.';

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The value fixed when the raffle closes: the hash of every ticket in order, one line each,
 * "number:memberId". Anyone holding the ticket list computes the same value.
 */
export function publicValueOf(tickets: Ticket[]): string {
  const ordered = [...tickets].sort((a, b) => a.number - b.number);
  return sha256(ordered.map((t) => `${t.number}:${t.memberId}`).join('\n'));
}

/**
 * Winners from the seed (secret until now, its hash published at opening) and the public value:
 * for the k-th prize place, HMAC-SHA256(seed, "publicValue:k:attempt") read as a number picks
 * ticket (n mod count) + 1; a member wins at most once (another attempt if drawn again).
 * Deterministic: the same inputs always give the same winners.
 */
export function drawWinners(seed: string, publicValue: string, tickets: Ticket[], prizes: { title: string; count: number }[]): Winner[] {
  const byNumber = new Map(tickets.map((t) => [t.number, t]));
  const count = BigInt(tickets.length);
  const members = new Set(tickets.map((t) => t.memberId));
  const winners: Winner[] = [];
  const won = new Set<string>();
  let k = 0;
  for (const prize of prizes) {
    for (let i = 0; i < prize.count; i++, k++) {
      if (won.size >= members.size) return winners;
      for (let attempt = 0; ; attempt++) {
        const h = createHmac('sha256', seed).update(`${publicValue}:${k}:${attempt}`).digest('hex');
        const ticket = byNumber.get(Number(BigInt(`0x${h}`) % count) + 1)!;
        if (won.has(ticket.memberId)) continue;
        won.add(ticket.memberId);
        winners.push({ prize: prize.title, ticket: ticket.number, memberId: ticket.memberId });
        break;
      }
    }
  }
  return winners;
}

/** Re-runs a drawn raffle from what it published; every line must hold. */
export function verifyDraw(
  r: {
    seed: string | null;
    seedHash: string;
    publicValue: string | null;
    winners: Winner[] | null;
    prizes: { title: string; count: number }[];
  },
  tickets: Ticket[],
) {
  const seedMatches = r.seed !== null && sha256(r.seed) === r.seedHash;
  const publicValue = publicValueOf(tickets);
  const publicValueMatches = publicValue === r.publicValue;
  const winners = r.seed ? drawWinners(r.seed, publicValue, tickets, r.prizes) : [];
  const winnersMatch = JSON.stringify(winners) === JSON.stringify(r.winners ?? []);
  return { ok: seedMatches && publicValueMatches && winnersMatch, seedMatches, publicValueMatches, winnersMatch, publicValue, winners };
}
