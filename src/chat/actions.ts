import { z } from 'zod';
import { LOCALES } from './i18n.js';
import { MAIN_MENU } from './menu.js';
import { CHANNELS } from '../domain/members/types.js';

/** One segment of an action on the wire (between colons): how it reads back, and how it is written. */
interface Field<T> {
  decode: z.ZodType<T, string>;
  encode?(value: T): string;
}

const field = <T>(decode: z.ZodType<T, string>, encode?: (value: T) => string): Field<T> => ({ decode, encode });
const uuid = field(z.string().regex(/^[0-9a-f-]{36}$/));
/** A UUID without its hyphens, where 36 characters would not fit Telegram's 64 bytes. */
const compactUuid = field(
  z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .transform((h) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`),
  (id: string) => id.replaceAll('-', ''),
);
const nonce = field(z.string().regex(/^[0-9a-f]{8}$/));
const digits = (max: number) =>
  field(
    z
      .string()
      .regex(new RegExp(`^\\d{1,${max}}$`))
      .transform(Number),
  );
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => field(z.enum(values));
const MENU_ITEMS = MAIN_MENU.map((m) => m.action) as [(typeof MAIN_MENU)[number]['action'], ...(typeof MAIN_MENU)[number]['action'][]];

/**
 * Every button action, by kind: its tag on the wire and its fields in order. The wire form
 * (`gift:v:<id>:<page>`) is Telegram's callback_data and WhatsApp's remembered options; nothing
 * outside this file builds or parses it.
 */
const SPECS = {
  none: { tag: 'noop', fields: {} },
  home: { tag: 'home', fields: {} },
  menu: { tag: 'menu', fields: { item: oneOf(MENU_ITEMS) } },
  'history.page': { tag: 'hist', fields: { dir: oneOf(['a', 'b'] as const), id: digits(16), page: digits(6) } },
  'language.set': { tag: 'lang', fields: { locale: oneOf(LOCALES) } },
  'profile.edit': { tag: 'profile:edit', fields: {} },
  /** Where messages go: the choice, and a chosen channel (or `last`: the chat used last). */
  'reach.choose': { tag: 'reach', fields: {} },
  'reach.set': { tag: 'reach:set', fields: { channel: oneOf([...CHANNELS, 'last'] as const) } },
  'referral.code': { tag: 'referral:code', fields: {} },
  'wheel.spin': { tag: 'wheel:spin', fields: { nonce } },
  'gift.page': { tag: 'gift:p', fields: { page: digits(4) } },
  'gift.view': { tag: 'gift:v', fields: { giftId: uuid, page: digits(4) } },
  'gift.ask': { tag: 'gift:r', fields: { giftId: uuid } },
  /** A gift card sent before requests asked first: its button carried a nonce, and asks too. */
  'gift.askOld': { tag: 'gift:r', fields: { giftId: uuid, nonce } },
  'gift.request': { tag: 'gift:ok', fields: { giftId: uuid, nonce } },
  'gift.cancel': { tag: 'gift:no', fields: {} },
  'gift.mine': { tag: 'gift:mine', fields: {} },
  'voucher.offer': { tag: 'vch:b', fields: { campaignId: uuid } },
  'voucher.buy': { tag: 'vch:ok', fields: { campaignId: uuid, nonce } },
  'voucher.cancel': { tag: 'vch:no', fields: {} },
  'raffle.offer': { tag: 'raf:b', fields: { raffleId: uuid, count: digits(3) } },
  'raffle.buy': { tag: 'raf:ok', fields: { raffleId: uuid, count: digits(3), nonce } },
  'raffle.cancel': { tag: 'raf:no', fields: {} },
  'survey.rate': {
    tag: 'sv:r',
    fields: {
      responseId: uuid,
      stars: field(
        z
          .string()
          .regex(/^[1-5]$/)
          .transform(Number),
      ),
    },
  },
  'survey.nps': { tag: 'sv:n', fields: { responseId: uuid, score: digits(2) } },
  'survey.noComment': { tag: 'sv:c', fields: { responseId: uuid } },
  'survey.start': { tag: 'sv:s', fields: { surveyId: uuid } },
  'survey.answer': {
    tag: 'sv:a',
    fields: { responseId: compactUuid, questionId: field(z.string().regex(/^[a-z0-9_-]{1,20}$/)), value: digits(2) },
  },
  'ticket.new': { tag: 'tk:n', fields: { category: digits(1) } },
  'ticket.mine': { tag: 'tk:mine', fields: {} },
  'ticket.view': { tag: 'tk:v', fields: { ticketId: uuid } },
  'ticket.reply': { tag: 'tk:r', fields: { ticketId: uuid } },
  'ticket.close': { tag: 'tk:x', fields: { ticketId: uuid } },
  'promo.optOut': { tag: 'optout', fields: {} },
  'promo.optIn': { tag: 'optin', fields: {} },
  'staffTicket.view': { tag: 'at:v', fields: { ticketId: uuid } },
  'staffTicket.reply': { tag: 'at:r', fields: { ticketId: uuid } },
  'staffTicket.close': { tag: 'at:c', fields: { ticketId: uuid } },
  'giftQueue.step': { tag: 'gq', fields: { step: oneOf(['approve', 'ship', 'reject'] as const), requestId: uuid } },
  'broadcast.control': { tag: 'bc', fields: { op: oneOf(['pause', 'resume', 'cancel'] as const), broadcastId: uuid } },
  /** Admin mode: a voucher campaign paused or resumed from its list. */
  'voucherAdmin.set': { tag: 'vc', fields: { op: oneOf(['pause', 'resume'] as const), campaignId: uuid } },
  /** Admin mode: calling a raffle off; `ask` shows the confirmation, `yes` cancels, `no` goes back to the list. */
  'raffleAdmin.cancel': { tag: 'rc', fields: { step: oneOf(['ask', 'yes', 'no'] as const), raffleId: uuid } },
} as const satisfies Record<string, { tag: string; fields: Record<string, Field<unknown>> }>;

type Specs = typeof SPECS;
type Values<F> = { -readonly [K in keyof F]: F[K] extends Field<infer T> ? T : never };
export type ActionKind = keyof Specs;
export type Action = { [K in ActionKind]: { kind: K } & Values<Specs[K]['fields']> }[ActionKind];
export type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;

/** Telegram's callback_data limit. */
export const ACTION_MAX_BYTES = 64;

/** By tag and number of fields: one tag may be read in an older, longer form too. */
const byTag = new Map<string, { kind: ActionKind; fields: [string, Field<unknown>][] }>(
  Object.entries(SPECS).map(([kind, spec]) => {
    const fields = Object.entries(spec.fields as Record<string, Field<unknown>>);
    return [`${spec.tag}/${fields.length}`, { kind: kind as ActionKind, fields }];
  }),
);

export function encodeAction(action: Action): string {
  const spec = SPECS[action.kind];
  const values = action as unknown as Record<string, unknown>;
  const parts = Object.entries(spec.fields as Record<string, Field<unknown>>).map(([name, f]) =>
    f.encode ? f.encode(values[name]) : String(values[name]),
  );
  const wire = [spec.tag, ...parts].join(':');
  if (Buffer.byteLength(wire) > ACTION_MAX_BYTES)
    throw new Error(`action ${action.kind} is ${Buffer.byteLength(wire)} bytes, over ${ACTION_MAX_BYTES}`);
  return wire;
}

/** The action a button carried; null for anything that is not one of ours (old or forged data). */
export function decodeAction(wire: string): Action | null {
  if (Buffer.byteLength(wire) > ACTION_MAX_BYTES) return null;
  const parts = wire.split(':');
  for (let n = 1; n <= Math.min(2, parts.length); n++) {
    const spec = byTag.get(`${parts.slice(0, n).join(':')}/${parts.length - n}`);
    if (!spec) continue;
    const out: Record<string, unknown> = { kind: spec.kind };
    for (const [i, [name, f]] of spec.fields.entries()) {
      const parsed = f.decode.safeParse(parts[n + i]);
      if (!parsed.success) return null;
      out[name] = parsed.data;
    }
    return out as Action;
  }
  return null;
}

/** Whether an action is one of these kinds (narrowing it). */
export function isAction<K extends ActionKind>(action: Action | null | undefined, ...kinds: K[]): action is ActionOf<K> {
  return !!action && (kinds as ActionKind[]).includes(action.kind);
}
