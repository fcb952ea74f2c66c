import type pg from 'pg';
import type { ApplyCommand } from '../../domain/ledger/types.js';
import type { Raffle, RaffleStore } from '../../domain/rewards/raffle-service.js';
import type { Ticket, Winner } from '../../domain/rewards/raffle-fairness.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { PgLedgerStore } from '../ledger/pg-ledger-store.js';
import { inTransaction } from '../transaction.js';
import { isUuid } from './merchant-store.js';
import { insertEvent } from './outbox-store.js';

const COLUMNS =
  'id, merchant_id, title, prizes, entry_rule, opens_at, closes_at, status, seed_hash, seed, ticket_count, public_value, winners, drawn_at, cancelled_at';

function toRaffle(r: Record<string, unknown>): Raffle & { merchantId: string } {
  return {
    id: r.id as string,
    merchantId: r.merchant_id as string,
    title: r.title as string,
    prizes: r.prizes as Raffle['prizes'],
    entryRule: r.entry_rule as Raffle['entryRule'],
    opensAt: r.opens_at as Date,
    closesAt: r.closes_at as Date,
    status: r.status as Raffle['status'],
    seedHash: r.seed_hash as string,
    seed: r.seed as string | null,
    ticketCount: r.ticket_count as number,
    publicValue: r.public_value as string | null,
    winners: r.winners as Winner[] | null,
    drawnAt: r.drawn_at as Date | null,
    cancelledAt: r.cancelled_at as Date | null,
  };
}

/** The seed stays sealed (SecretBox) in the database until the draw publishes it. */
export class PgRaffleStore implements RaffleStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: PgLedgerStore,
    private readonly box: SecretBox,
  ) {}

  async create(merchantId: string, r: Parameters<RaffleStore['create']>[1]) {
    // The raffle and its 'raffle.opened' event commit together; the event schedules the draw.
    const { rows } = await this.pool.query(
      `WITH raffle AS (
         INSERT INTO raffles (id, merchant_id, title, prizes, entry_rule, opens_at, closes_at, seed_hash, seed_sealed)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}
       ), opened AS (
         INSERT INTO outbox_events (merchant_id, type, payload)
         SELECT $1, 'raffle.opened', jsonb_build_object('raffle_id', id, 'closes_at', closes_at, 'seed_hash', seed_hash) FROM raffle
       )
       SELECT * FROM raffle`,
      [
        merchantId,
        r.title,
        JSON.stringify(r.prizes),
        JSON.stringify(r.entryRule),
        r.opensAt,
        r.closesAt,
        r.seedHash,
        this.box.seal(r.seed),
      ],
    );
    return toRaffle(rows[0]);
  }

  async get(merchantId: string, id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM raffles WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
    return rows[0] ? toRaffle(rows[0]) : null;
  }

  async getAny(id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM raffles WHERE id = $1`, [id]);
    return rows[0] ? toRaffle(rows[0]) : null;
  }

  async open(merchantId: string, at: Date) {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM raffles WHERE merchant_id = $1 AND status = 'open' AND opens_at <= $2 AND closes_at > $2 ORDER BY closes_at`,
      [merchantId, at],
    );
    return rows.map(toRaffle);
  }

  async list(merchantId: string, limit: number) {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM raffles WHERE merchant_id = $1 ORDER BY created_at DESC LIMIT $2`, [
      merchantId,
      limit,
    ]);
    return rows.map(toRaffle);
  }

  issue(i: { merchantId: string; raffleId: string; memberId: string; count: number; source: string; at: Date; ledger?: ApplyCommand }) {
    return inTransaction(this.pool, async (client) => {
      // The raffle row is the ticket counter: numbers are handed out 1, 2, 3… with no gaps.
      const { rows } = await client.query(
        'SELECT status, opens_at, closes_at, ticket_count FROM raffles WHERE id = $1 AND merchant_id = $2 FOR UPDATE',
        [i.raffleId, i.merchantId],
      );
      const raffle = rows[0];
      const seen = await client.query('SELECT number FROM raffle_tickets WHERE raffle_id = $1 AND source = $2 ORDER BY number', [
        i.raffleId,
        i.source,
      ]);
      if (seen.rows.length) return { numbers: seen.rows.map((r) => r.number as number), replayed: true };
      if (!raffle || raffle.status !== 'open' || i.at < raffle.opens_at || i.at >= raffle.closes_at) return 'closed' as const;
      if (i.ledger) await this.ledger.applyIn(client, i.ledger);
      const first = (raffle.ticket_count as number) + 1;
      const numbers = Array.from({ length: i.count }, (_, k) => first + k);
      await client.query(
        `INSERT INTO raffle_tickets (raffle_id, member_id, number, source) SELECT $1, $2, n, $3 FROM unnest($4::int[]) AS n`,
        [i.raffleId, i.memberId, i.source, numbers],
      );
      await client.query('UPDATE raffles SET ticket_count = ticket_count + $2 WHERE id = $1', [i.raffleId, i.count]);
      return { numbers, replayed: false };
    });
  }

  async tickets(raffleId: string): Promise<Ticket[]> {
    const { rows } = await this.pool.query('SELECT number, member_id FROM raffle_tickets WHERE raffle_id = $1 ORDER BY number', [raffleId]);
    return rows.map((r) => ({ number: r.number, memberId: r.member_id }));
  }

  async memberTickets(raffleId: string, memberId: string) {
    const { rows } = await this.pool.query('SELECT number FROM raffle_tickets WHERE raffle_id = $1 AND member_id = $2 ORDER BY number', [
      raffleId,
      memberId,
    ]);
    return rows.map((r) => r.number as number);
  }

  draw(merchantId: string, raffleId: string, decide: (seed: string, tickets: Ticket[]) => { publicValue: string; winners: Winner[] }) {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query('SELECT status, seed_sealed, title FROM raffles WHERE id = $1 AND merchant_id = $2 FOR UPDATE', [
        raffleId,
        merchantId,
      ]);
      if (!rows[0] || rows[0].status !== 'open') return 'already_drawn' as const;
      const seed = this.box.open(rows[0].seed_sealed);
      const tickets = await client.query('SELECT number, member_id FROM raffle_tickets WHERE raffle_id = $1 ORDER BY number', [raffleId]);
      const { publicValue, winners } = decide(
        seed,
        tickets.rows.map((r) => ({ number: r.number, memberId: r.member_id })),
      );
      const drawn = await client.query(
        `UPDATE raffles SET status = 'drawn', seed = $2, public_value = $3, winners = $4, drawn_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [raffleId, seed, publicValue, JSON.stringify(winners)],
      );
      for (const w of winners) {
        await insertEvent(client, merchantId, 'raffle.won', {
          member_id: w.memberId,
          raffle_id: raffleId,
          raffle_title: rows[0].title,
          prize: w.prize,
          ticket: w.ticket,
        });
      }
      return toRaffle(drawn.rows[0]);
    });
  }

  cancel(merchantId: string, raffleId: string, refund: Parameters<RaffleStore['cancel']>[2]) {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(`SELECT ${COLUMNS} FROM raffles WHERE id = $1 AND merchant_id = $2 FOR UPDATE`, [
        raffleId,
        merchantId,
      ]);
      if (!rows[0]) return null;
      if (rows[0].status === 'drawn') return 'drawn' as const;
      // Cancelled before: as it is, nothing written again.
      if (rows[0].status === 'cancelled') return toRaffle(rows[0]);
      const cancelled = await client.query(
        `UPDATE raffles SET status = 'cancelled', cancelled_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [raffleId],
      );
      const held = await client.query<{ member_id: string; source: string; count: number }>(
        'SELECT member_id, source, count(*)::int AS count FROM raffle_tickets WHERE raffle_id = $1 GROUP BY member_id, source ORDER BY member_id, source',
        [raffleId],
      );
      const byMember = new Map<string, { tickets: number; coins: number }>();
      for (const t of held.rows) {
        const mine = byMember.get(t.member_id) ?? { tickets: 0, coins: 0 };
        mine.tickets += t.count;
        if (t.source.startsWith('coins:')) {
          const cmd = await refund({ memberId: t.member_id, source: t.source, count: t.count });
          const out = await this.ledger.applyIn(client, cmd);
          mine.coins += out.result.lines.reduce((sum, l) => sum + l.applied, 0);
        }
        byMember.set(t.member_id, mine);
      }
      for (const [memberId, mine] of byMember) {
        await insertEvent(client, merchantId, 'raffle.cancelled', {
          member_id: memberId,
          raffle_id: raffleId,
          raffle_title: rows[0].title,
          tickets: mine.tickets,
          refunded_coins: mine.coins,
        });
      }
      return toRaffle(cancelled.rows[0]);
    });
  }

  async due(at: Date) {
    const { rows } = await this.pool.query(
      "SELECT merchant_id, id FROM raffles WHERE status = 'open' AND closes_at <= $1 ORDER BY closes_at LIMIT 100",
      [at],
    );
    return rows.map((r) => ({ merchantId: r.merchant_id as string, id: r.id as string }));
  }
}
