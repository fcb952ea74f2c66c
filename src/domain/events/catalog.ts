import { z } from 'zod';
import { CURRENCIES } from '../ledger/types.js';
import { CHANNELS } from '../members/types.js';
import { PRIZE_KINDS } from '../rewards/wheel.js';

/**
 * Every event the outbox carries, one zod schema per type: writers are typed by it, the event
 * worker parses each event with it before any handler sees it, and merchants' webhooks can
 * publish the same shapes (`eventJsonSchema`). Payload keys are snake_case JSON, as stored.
 *
 * Bump EVENT_API_VERSION when a payload changes in a way a consumer would notice (a field
 * removed or retyped); adding an optional field is not a new version.
 */
export const EVENT_API_VERSION = '2026-12-01';

const id = z.string().min(1);
const when = z.iso.datetime({ offset: true });
const currency = z.enum(CURRENCIES);
const balances = z.object({ points: z.number(), coins: z.number(), credit: z.number() });

/** What bashgah_ledger_apply writes for every operation that changed a balance (or was asked to tell). */
const ledgerOperation = z.object({
  member_id: id,
  operation_id: z.number().int(),
  kind: z.string(),
  actor: z.string(),
  entries: z.array(z.object({ id: z.number(), currency, amount: z.number(), balance_after: z.number(), reason: z.string() })),
  balances,
  shortfall: z.partialRecord(currency, z.number()),
  purchase_count: z.number().int(),
  referrer_id: id.nullable(),
});

const ticket = z.object({
  member_id: id,
  ticket_id: id,
  number: z.number().int(),
  branch: z.string().nullable(),
  category: z.string(),
  source: z.enum(['member', 'survey']),
});

export const eventSchemas = {
  'member.joined': z.object({
    member_id: id,
    channel: z.enum(CHANNELS),
    /** The member already had purchases or balances (recorded by phone before joining in chat). */
    claimed: z.boolean(),
    new_phone: z.boolean(),
    referrer_id: id.nullable(),
    source_tag: z.string().nullable(),
  }),

  // Ledger operations (bashgah_ledger_apply): the common part plus each kind's own fields.
  'ledger.changed': ledgerOperation,
  'purchase.recorded': ledgerOperation.extend({
    order_id: z.string(),
    amount: z.number(),
    occurred_at: when,
    branch: z.string().nullable(),
    staff_code: z.string().nullable(),
    voucher_code: z.string().nullable(),
  }),
  'purchase.refunded': ledgerOperation.extend({ order_id: z.string(), refund_id: z.string(), amount: z.number(), full: z.boolean() }),
  'referral.rewarded': ledgerOperation.extend({
    trigger: z.enum(['join', 'first_purchase']),
    beneficiary: z.enum(['referrer', 'friend']),
    /** The other member's masked name. */
    other_name: z.string().nullable(),
    /** The friend read it in the chat's reply to their joining (with the link): no notice repeats it. */
    told_in_chat: z.boolean().optional(),
  }),
  'wheel.spun': ledgerOperation.extend({ prize_label: z.string(), prize_kind: z.enum(PRIZE_KINDS) }),
  'survey.rewarded': ledgerOperation,
  'gift.paid': ledgerOperation,
  'gift.refunded': ledgerOperation,
  'voucher.bought': ledgerOperation,
  'raffle.tickets_bought': ledgerOperation,
  'automation.rewarded': ledgerOperation,
  'campaign.rewarded': ledgerOperation,

  'tier.changed': z.object({ member_id: id, from: z.string(), to: z.string(), direction: z.enum(['up', 'down']) }),
  'balance.expiring': z.object({ member_id: id, currency, amount: z.number(), expires_at: when }),

  'gift.requested': z.object({ member_id: id, request_id: id, gift_id: id, gift_title: z.string() }),
  'gift.status_changed': z.object({
    member_id: id,
    request_id: id,
    gift_title: z.string(),
    status: z.enum(['requested', 'approved', 'shipped', 'rejected']),
    note: z.string().nullable(),
    refunded: z.object({ currency, amount: z.number() }).nullable(),
  }),

  'automation.message': z.object({
    member_id: id,
    kind: z.enum(['birthday', 'win_back', 'welcome']),
    first_name: z.string().nullable(),
    /** The merchant's own text ({name} is the member's first name), or null for the built-in one. */
    text: z.string().nullable(),
    reward: z.union([z.object({ currency, amount: z.number() }), z.object({ voucher: z.string() })]).nullable(),
    balances: balances.nullable(),
    /** Win-back: the days without a purchase. */
    days: z.number().int().optional(),
  }),

  'survey.requested': z.object({ member_id: id, response_id: id, branch: z.string().nullable(), order_id: z.string() }),

  'raffle.opened': z.object({ raffle_id: id, closes_at: when, seed_hash: z.string() }),
  'raffle.won': z.object({ member_id: id, raffle_id: id, raffle_title: z.string(), prize: z.string(), ticket: z.number().int() }),
  /** The club called the raffle off before its draw: one per ticket holder, with the coins given back. */
  'raffle.cancelled': z.object({
    member_id: id,
    raffle_id: id,
    raffle_title: z.string(),
    tickets: z.number().int(),
    refunded_coins: z.number().int(),
  }),

  'ticket.opened': ticket.extend({ text: z.string(), rating: z.number().int().nullable() }),
  'ticket.replied': ticket.extend({ text: z.string() }),
  'ticket.member_replied': ticket.extend({ text: z.string() }),
  'ticket.closed': ticket.extend({ by: z.enum(['member', 'staff']) }),

  /** An outgoing webhook endpoint was switched off: it answered 410, or nothing but failures for 3 days. */
  'webhook_endpoint.disabled': z.object({
    endpoint_id: id,
    url: z.string(),
    reason: z.enum(['gone', 'failing']),
    failing_since: when.nullable(),
  }),
} as const;

export type EventType = keyof typeof eventSchemas;
export type EventPayload<T extends EventType> = z.output<(typeof eventSchemas)[T]>;

/** One event, discriminated by its type. */
export type ClubEvent = { [T in EventType]: { type: T; payload: EventPayload<T> } }[EventType];

/** An event as the worker hands it to handlers: the outbox row's id, merchant and time around it. */
export type DeliveredEvent = ClubEvent & { id: number; merchantId: string; createdAt: string };

/** The member an event is about, if any. */
export const memberOf = (event: ClubEvent): string | null => ('member_id' in event.payload ? event.payload.member_id : null);

export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

export const isEventType = (type: string): type is EventType => Object.hasOwn(eventSchemas, type);

export type ParsedEvent = { ok: true; event: ClubEvent } | { ok: false; problem: string };

/** Validates an outbox payload against its type's schema; an unknown type or a wrong payload is a problem, never a throw. */
export function parseEvent(type: string, payload: unknown): ParsedEvent {
  if (!isEventType(type)) return { ok: false, problem: `unknown event type ${JSON.stringify(type)}` };
  const parsed = eventSchemas[type].safeParse(payload);
  if (!parsed.success)
    return { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  return { ok: true, event: { type, payload: parsed.data } as ClubEvent };
}

/**
 * An outbox row's type and payload, typed: an unknown type or a payload that does not match is a
 * compile error. The payload is not checked again at run time (the worker does that).
 */
export function outboxEvent<T extends EventType>(type: T, payload: EventPayload<T>): { type: T; payload: EventPayload<T> } {
  return { type, payload };
}

// ── ledger operations' events ──

type LedgerEventType = { [T in EventType]: EventPayload<T> extends z.output<typeof ledgerOperation> ? T : never }[EventType];
type OwnFields<T extends LedgerEventType> = Omit<EventPayload<T>, keyof z.output<typeof ledgerOperation>>;

/**
 * How a ledger command names its event: the type and the fields of its own that the ledger
 * function adds to the common ones (none: `event` is left out).
 */
export type LedgerEvent =
  | {
      [T in LedgerEventType]: { eventType: T } & (keyof OwnFields<T> extends never ? { event?: undefined } : { event: OwnFields<T> });
    }[LedgerEventType]
  | { eventType?: undefined; event?: undefined };

// ── publishing (merchants' webhooks) ──

/** The published form of one event type: its envelope with the API version, and the typed payload as `data`. */
export function eventEnvelopeSchema<T extends EventType>(type: T) {
  return z.object({
    id: z.string(),
    type: z.literal(type),
    api_version: z.literal(EVENT_API_VERSION),
    created_at: when,
    data: eventSchemas[type],
  });
}

/** JSON Schema of one event type's published form. */
export function eventJsonSchema(type: EventType) {
  return z.toJSONSchema(eventEnvelopeSchema(type), { io: 'output' });
}
