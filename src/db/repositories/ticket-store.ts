import type pg from 'pg';
import type { Ticket, TicketMessage, TicketStatus, TicketStore } from '../../domain/feedback/types.js';
import { inTransaction } from '../transaction.js';
import { isUuid } from './merchant-store.js';
import { insertEvent } from './outbox-store.js';
import type { EventPayload } from '../../domain/events/catalog.js';

const TICKET = 'id, merchant_id, member_id, number, category, status, branch, source, created_at, first_response_at, closed_at';

const toTicket = (r: Record<string, unknown>): Ticket => ({
  id: r.id as string,
  merchantId: r.merchant_id as string,
  memberId: r.member_id as string,
  number: r.number as number,
  category: r.category as string,
  status: r.status as TicketStatus,
  branch: r.branch as string | null,
  source: r.source as Ticket['source'],
  createdAt: r.created_at as Date,
  firstResponseAt: r.first_response_at as Date | null,
  closedAt: r.closed_at as Date | null,
});

type TicketEvent = 'ticket.opened' | 'ticket.replied' | 'ticket.member_replied' | 'ticket.closed';
type TicketFields = 'member_id' | 'ticket_id' | 'number' | 'branch' | 'category' | 'source';

const event = <T extends TicketEvent>(client: pg.PoolClient, t: Ticket, type: T, extra: Omit<EventPayload<T>, TicketFields>) =>
  insertEvent(client, t.merchantId, type, {
    member_id: t.memberId,
    ticket_id: t.id,
    number: t.number,
    branch: t.branch,
    category: t.category,
    source: t.source,
    ...extra,
  } as EventPayload<T>);

export class PgTicketStore implements TicketStore {
  constructor(private readonly pool: pg.Pool) {}

  async open(t: Parameters<TicketStore['open']>[0]) {
    return inTransaction(this.pool, async (client) => {
      // Numbers are per merchant and without gaps: one opening at a time per merchant.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('ticket-number:' || $1))", [t.merchantId]);
      const { rows } = await client.query(
        `INSERT INTO tickets (id, merchant_id, member_id, number, category, branch, source, response_id)
         SELECT gen_random_uuid(), $1, $2, coalesce(max(number), 0) + 1, $3, $4, $5, $6 FROM tickets WHERE merchant_id = $1
         RETURNING ${TICKET}`,
        [t.merchantId, t.memberId, t.category, t.branch, t.source, t.responseId],
      );
      const ticket = toTicket(rows[0]);
      await client.query('INSERT INTO ticket_messages (ticket_id, author, text, photo) VALUES ($1, $2, $3, $4)', [
        ticket.id,
        'member',
        t.text,
        t.photo,
      ]);
      await event(client, ticket, 'ticket.opened', { text: t.text, rating: t.rating ?? null });
      return ticket;
    });
  }

  async byResponse(responseId: string) {
    const { rows } = await this.pool.query(`SELECT ${TICKET} FROM tickets WHERE response_id = $1`, [responseId]);
    return rows[0] ? toTicket(rows[0]) : null;
  }

  async get(merchantId: string, id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${TICKET} FROM tickets WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
    return rows[0] ? toTicket(rows[0]) : null;
  }

  async messages(ticketId: string): Promise<TicketMessage[]> {
    const { rows } = await this.pool.query(
      'SELECT id, author, text, photo, created_at FROM ticket_messages WHERE ticket_id = $1 ORDER BY id',
      [ticketId],
    );
    return rows.map((r) => ({ id: Number(r.id), author: r.author, text: r.text, photo: r.photo, createdAt: r.created_at }));
  }

  async addMessage(ticket: Ticket, m: Parameters<TicketStore['addMessage']>[1]) {
    return inTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO ticket_messages (ticket_id, author, operator_id, text, photo) VALUES ($1, $2, $3, $4, $5)', [
        ticket.id,
        m.author,
        m.operatorId,
        m.text,
        m.photo,
      ]);
      const { rows } = await client.query(
        `UPDATE tickets SET updated_at = now(),
           status = CASE WHEN $2 = 'staff' THEN 'answered' ELSE 'open' END::ticket_status,
           first_response_at = CASE WHEN $2 = 'staff' THEN coalesce(first_response_at, now()) ELSE first_response_at END
         WHERE id = $1 RETURNING ${TICKET}`,
        [ticket.id, m.author],
      );
      const updated = toTicket(rows[0]);
      await event(client, updated, m.author === 'staff' ? 'ticket.replied' : 'ticket.member_replied', { text: m.text });
      return updated;
    });
  }

  async close(ticket: Ticket, by: 'member' | 'staff') {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        `UPDATE tickets SET status = 'closed', closed_at = now(), updated_at = now() WHERE id = $1 RETURNING ${TICKET}`,
        [ticket.id],
      );
      const closed = toTicket(rows[0]);
      await event(client, closed, 'ticket.closed', { by });
      return closed;
    });
  }

  async list(merchantId: string, q: Parameters<TicketStore['list']>[1]) {
    const { rows } = await this.pool.query(
      `SELECT ${TICKET} FROM tickets
       WHERE merchant_id = $1 AND ($2::ticket_status[] IS NULL OR status = ANY($2)) AND ($3::uuid IS NULL OR member_id = $3)
         AND ($4::text IS NULL OR branch IS NULL OR branch = $4)
       ORDER BY ${q.memberId ? 'created_at DESC' : 'created_at'} LIMIT $5`,
      [merchantId, q.status ?? null, q.memberId ?? null, q.branch ?? null, q.limit],
    );
    return rows.map(toTicket);
  }

  async firstResponses(merchantId: string, from: Date, to: Date) {
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS opened, count(first_response_at)::int AS answered,
              coalesce(array_agg(extract(epoch FROM first_response_at - created_at)::float8) FILTER (WHERE first_response_at IS NOT NULL), '{}') AS seconds
       FROM tickets WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3`,
      [merchantId, from, to],
    );
    return { opened: rows[0].opened as number, answered: rows[0].answered as number, seconds: (rows[0].seconds as number[]).map(Number) };
  }
}
