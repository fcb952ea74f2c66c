import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { contentHash } from '../../lib/canonical-hash.js';
import { systemClock, type Clock } from '../clock.js';
import { invalid, notFound, unprocessable } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { ApplyCommand } from '../ledger/types.js';
import { drawWinners, FAIRNESS_ALGORITHM, publicValueOf, sha256, verifyDraw, type Ticket, type Winner } from './raffle-fairness.js';
import { parseInput } from '../validation.js';

export const raffleInputSchema = z
  .object({
    title: z.string().min(1).max(120),
    prizes: z
      .array(z.object({ title: z.string().min(1).max(120), count: z.number().int().min(1).max(1000) }).strict())
      .min(1)
      .max(20),
    entryRule: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('purchase') }).strict(),
      z.object({ kind: z.literal('points'), per: z.number().int().min(1).max(1e9) }).strict(),
      z.object({ kind: z.literal('coins'), price: z.number().int().min(1).max(1e9) }).strict(),
    ]),
    opensAt: z.iso
      .datetime({ offset: true })
      .transform((s) => new Date(s))
      .optional(),
    closesAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  })
  .strict();

export type EntryRule = z.output<typeof raffleInputSchema>['entryRule'];

export interface Raffle {
  id: string;
  title: string;
  prizes: { title: string; count: number }[];
  entryRule: EntryRule;
  opensAt: Date;
  closesAt: Date;
  status: 'open' | 'drawn' | 'cancelled';
  seedHash: string;
  /** Published once drawn. */
  seed: string | null;
  ticketCount: number;
  publicValue: string | null;
  winners: Winner[] | null;
  drawnAt: Date | null;
  cancelledAt: Date | null;
}

export interface RaffleProof {
  raffle: Raffle;
  /** [number, memberId], in number order. */
  tickets: [number, string][];
  algorithm: string;
}

export interface RaffleStore {
  create(
    merchantId: string,
    r: { title: string; prizes: Raffle['prizes']; entryRule: EntryRule; opensAt: Date; closesAt: Date; seedHash: string; seed: string },
  ): Promise<Raffle>;
  get(merchantId: string, id: string): Promise<Raffle | null>;
  /** Any merchant's raffle by id (the verify command). */
  getAny(id: string): Promise<(Raffle & { merchantId: string }) | null>;
  open(merchantId: string, at: Date): Promise<Raffle[]>;
  list(merchantId: string, limit: number): Promise<Raffle[]>;
  /** Tickets numbered on from the raffle's count, once per source; with `ledger`, paid in the same transaction. */
  issue(input: {
    merchantId: string;
    raffleId: string;
    memberId: string;
    count: number;
    source: string;
    at: Date;
    ledger?: ApplyCommand;
  }): Promise<{ numbers: number[]; replayed: boolean } | 'closed'>;
  tickets(raffleId: string): Promise<Ticket[]>;
  memberTickets(raffleId: string, memberId: string): Promise<number[]>;
  /** Draws under a lock on the raffle: seals the public value, reveals the seed, announces winners. */
  draw(
    merchantId: string,
    raffleId: string,
    decide: (seed: string, tickets: Ticket[]) => { publicValue: string; winners: Winner[] },
  ): Promise<Raffle | 'already_drawn'>;
  due(at: Date): Promise<{ merchantId: string; id: string }[]>;
  /**
   * Cancels an open raffle under its lock, in one transaction: the status, each coin purchase of
   * tickets refunded through the ledger (`refund` prepares the command), and a 'raffle.cancelled'
   * event for each member who held tickets.
   */
  cancel(
    merchantId: string,
    raffleId: string,
    refund: (tickets: { memberId: string; source: string; count: number }) => Promise<ApplyCommand>,
  ): Promise<Raffle | 'drawn' | null>;
}

/**
 * Provably fair raffles. When a raffle opens we publish sha256(seed); when it closes, the hash of
 * the ordered ticket list is the public value; the seed and the public value decide the winners
 * (see raffle-fairness.ts). After the draw the seed is published, so anyone can check the hash
 * and re-run the draw: `npx bashgah raffle verify <id>`.
 */
export class RaffleService {
  constructor(private readonly deps: { store: RaffleStore; ledger: LedgerService; clock?: Clock }) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  async create(merchantId: string, input: unknown): Promise<Raffle> {
    const data = parseInput(raffleInputSchema, input, 'invalid_raffle', 'raffle');
    const opensAt = data.opensAt ?? this.clock.now();
    if (data.closesAt <= opensAt) throw invalid('invalid_raffle', 'closesAt must be after opensAt');
    const seed = randomBytes(32).toString('hex');
    return this.deps.store.create(merchantId, { ...data, opensAt, seedHash: sha256(seed), seed });
  }

  async get(merchantId: string, id: string) {
    const r = await this.deps.store.get(merchantId, id);
    if (!r) throw notFound('raffle_not_found', 'No raffle with this id');
    return r;
  }

  open(merchantId: string) {
    return this.deps.store.open(merchantId, this.clock.now());
  }

  list(merchantId: string, limit = 50) {
    return this.deps.store.list(merchantId, limit);
  }

  memberTickets(raffleId: string, memberId: string) {
    return this.deps.store.memberTickets(raffleId, memberId);
  }

  /** A recorded purchase: one ticket per purchase, or one per N points it earned, in every open raffle. */
  async onPurchase(merchantId: string, memberId: string, orderId: string, pointsEarned: number, at: Date): Promise<void> {
    for (const raffle of await this.deps.store.open(merchantId, at)) {
      const rule = raffle.entryRule;
      const count = rule.kind === 'purchase' ? 1 : rule.kind === 'points' ? Math.floor(pointsEarned / rule.per) : 0;
      if (count > 0) await this.deps.store.issue({ merchantId, raffleId: raffle.id, memberId, count, source: `order:${orderId}`, at });
    }
  }

  /** Tickets bought with coins (coins raffles), idempotent on the key. */
  async buyTickets(merchantId: string, memberId: string, raffleId: string, count: number, idempotencyKey: string) {
    if (!Number.isInteger(count) || count < 1 || count > 100) throw invalid('invalid_count', 'Buy 1 to 100 tickets at a time');
    const raffle = await this.get(merchantId, raffleId);
    if (raffle.entryRule.kind !== 'coins') throw unprocessable('not_for_coins', 'Tickets of this raffle come with purchases, not coins');
    const ledger = await this.deps.ledger.prepare({
      merchantId,
      memberId,
      idempotencyKey: `raffle:${idempotencyKey}`,
      requestHash: contentHash({ raffle: raffleId, count }),
      kind: 'raffle',
      actor: 'member',
      lines: [
        { mode: 'spend', currency: 'coins', amount: raffle.entryRule.price * count, reason: 'raffle', refType: 'raffle', refId: raffleId },
      ],
      eventType: 'raffle.tickets_bought',
    });
    const out = await this.deps.store.issue({
      merchantId,
      raffleId,
      memberId,
      count,
      source: `coins:${idempotencyKey}`,
      at: this.clock.now(),
      ledger,
    });
    if (out === 'closed') throw unprocessable('raffle_closed', 'This raffle is not taking tickets');
    return out;
  }

  /**
   * Calls off a raffle that has not been drawn: no winners, coins paid for tickets go back to each
   * member, and every ticket holder is told. Cancelling twice changes nothing.
   */
  async cancel(merchantId: string, raffleId: string, actor: string): Promise<Raffle> {
    const raffle = await this.get(merchantId, raffleId);
    if (raffle.status === 'cancelled') return raffle;
    const price = raffle.entryRule.kind === 'coins' ? raffle.entryRule.price : 0;
    const out = await this.deps.store.cancel(merchantId, raffleId, (t) =>
      this.deps.ledger.prepare({
        merchantId,
        memberId: t.memberId,
        idempotencyKey: `raffle-cancel:${raffleId}:${t.source}`,
        kind: 'raffle_refund',
        actor,
        lines: [{ mode: 'earn', currency: 'coins', amount: price * t.count, reason: 'raffle', refType: 'raffle', refId: raffleId }],
      }),
    );
    if (out === 'drawn') throw unprocessable('raffle_drawn', 'This raffle has been drawn; it can no longer be cancelled');
    if (!out) throw notFound('raffle_not_found', 'No raffle with this id');
    return out;
  }

  /** The draw (from the delayed job at close time, or a sweep of overdue raffles). */
  async draw(merchantId: string, raffleId: string): Promise<Raffle> {
    const raffle = await this.get(merchantId, raffleId);
    if (raffle.status !== 'open') return raffle; // drawn already, or cancelled: nothing to draw
    if (this.clock.now() < raffle.closesAt) throw unprocessable('raffle_still_open', 'The raffle closes later');
    const out = await this.deps.store.draw(merchantId, raffleId, (seed, tickets) => {
      const publicValue = publicValueOf(tickets);
      return { publicValue, winners: tickets.length ? drawWinners(seed, publicValue, tickets, raffle.prizes) : [] };
    });
    return out === 'already_drawn' ? this.get(merchantId, raffleId) : out;
  }

  async drawDue(): Promise<number> {
    const due = await this.deps.store.due(this.clock.now());
    for (const r of due) await this.draw(r.merchantId, r.id);
    return due.length;
  }

  /** What anyone needs to check a draw: the published values and every ticket, in order. */
  async proof(raffleId: string): Promise<RaffleProof> {
    const raffle = await this.deps.store.getAny(raffleId);
    if (!raffle) throw notFound('raffle_not_found', 'No raffle with this id');
    const { merchantId: _merchant, ...published } = raffle;
    const tickets = await this.deps.store.tickets(raffleId);
    return { raffle: published, tickets: tickets.map((t) => [t.number, t.memberId]), algorithm: FAIRNESS_ALGORITHM };
  }

  /** Anyone's check of a drawn raffle, from what it published and its tickets. */
  async verify(raffleId: string) {
    const raffle = await this.deps.store.getAny(raffleId);
    if (!raffle) throw notFound('raffle_not_found', 'No raffle with this id');
    if (raffle.status !== 'drawn') throw unprocessable('raffle_not_drawn', 'The raffle has not been drawn yet');
    return { raffle, ...verifyDraw(raffle, await this.deps.store.tickets(raffleId)) };
  }
}
