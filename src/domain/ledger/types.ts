import type { LedgerEvent } from '../events/catalog.js';
export const CURRENCIES = ['points', 'coins', 'credit'] as const;
export type Currency = (typeof CURRENCIES)[number];

export type Balances = Record<Currency, number>;

/**
 * What one operation does to one currency. Amounts are positive; the mode gives the sign.
 *
 * `countsForTier` (points only, default true): whether the line moves tier progress, lifetime
 * and 12-month window alike. Tiers reward buying, so what counts is purchases, their refunds'
 * reversals and imported balances (past purchases at the shop). Rewards given away do not count:
 * referral rewards, wheel prizes, campaigns and birthdays, surveys, gift refunds and manual
 * adjustments pass false, and so does taking one of them back (a referral clawback), so it
 * cannot lower what purchases earned.
 */
export type LedgerLine =
  | {
      mode: 'earn';
      currency: Currency;
      amount: number;
      reason: string;
      refType?: string;
      refId?: string;
      expiresAt?: Date | null;
      restrictions?: GiftRestrictions | null;
      dailyCap?: number;
      countsForTier?: boolean;
    }
  | { mode: 'spend'; currency: Currency; amount: number; reason: string; refType?: string; refId?: string; context?: SpendContext }
  | {
      mode: 'reverse';
      currency: Currency;
      amount: number;
      reason: string;
      refType?: string;
      refId?: string;
      sourceEntryId?: number;
      countsForTier?: boolean;
    }
  | { mode: 'expire'; currency: Currency; amount: number; reason: string; bucketId: number };

/** Gift credit limits: where and on what it may be spent, and by whom. */
export interface GiftRestrictions {
  branches?: string[];
  categories?: string[];
  groups?: string[];
}

export interface SpendContext {
  branch?: string;
  categories?: string[];
}

export interface AppliedLine {
  currency: Currency;
  mode: LedgerLine['mode'];
  requested: number;
  applied: number;
  recovered: number;
  shortfall: number;
  capped: boolean;
  entryId: number | null;
}

export interface OperationResult {
  operationId: number;
  memberId: string;
  balances: Balances;
  debts: Balances;
  lines: AppliedLine[];
  shortfall: Partial<Balances>;
  tier: string;
  previousTier: string;
  /** The member's status when the operation ran (a purchase for a pending member is `pending_member`). */
  memberStatus: 'pending' | 'active' | 'blocked';
  purchaseId?: string;
  /** Whatever the caller attached to the operation (rules applied, status, …). */
  extra: Record<string, unknown>;
}

export interface OperationOutcome {
  replayed: boolean;
  result: OperationResult;
}

/** Applying by phone or member code may find no member yet, or a tier other than assumed. */
export type ReferenceOutcome =
  ({ kind: 'applied' } & OperationOutcome) | { kind: 'member_missing' } | { kind: 'tier_mismatch'; tier: string };

export type MemberReference = { phone: string } | { memberCode: string };

/** A ledger command's own fields; ApplyCommand adds its event (see LedgerEvent). */
export interface LedgerCommandFields {
  merchantId: string;
  memberId: string;
  idempotencyKey: string;
  /** Hash of the operation's content: the same key with other content is a conflict. */
  requestHash: string;
  kind: string;
  actor: string;
  lines: LedgerLine[];
  /** Tehran calendar day the earnings count for (daily caps, rolling tiers). */
  day: string;
  tiers?: { window_days: number | null; levels: { key: string; threshold: number }[] };
  purchase?: PurchaseRecord;
  refund?: RefundRecord;
  /** Extra fields stored in the result and returned on replay. */
  extra?: Record<string, unknown>;
}

/**
 * A ledger command with its event: `eventType` (default ledger.changed; when given, the event is
 * sent even if nothing changed) and `event`, the fields of its own (e.g. the purchase it belongs to).
 */
export type ApplyCommand = LedgerCommandFields & LedgerEvent;

/** ApplyCommand without some of its fields, still typed per event. */
export type ApplyCommandWithout<K extends keyof LedgerCommandFields> = Omit<LedgerCommandFields, K> & LedgerEvent;

export interface PurchaseRecord {
  orderId: string;
  amount: number;
  items?: unknown;
  branch?: string;
  occurredAt: Date;
  voucherCode?: string;
  staffCode?: string;
  rules: unknown;
}

export interface RefundRecord {
  purchaseId: string;
  refundId: string;
  amount: number;
  items?: unknown;
  expectedRefunded: number;
  reversal: Partial<Balances>;
}

/** Persistence of the ledger: one call, one transaction (see bashgah_ledger_apply). */
export interface LedgerStore {
  apply(cmd: ApplyCommand): Promise<OperationOutcome>;
  /** The same, for a member named by phone or code, whose rules assumed `expectedTier`. */
  applyByReference(cmd: ApplyCommandWithout<'memberId'> & { member: MemberReference; expectedTier: string }): Promise<ReferenceOutcome>;
  /** A stored operation by key, to answer replays before doing any work. */
  findOperation(merchantId: string, idempotencyKey: string): Promise<{ requestHash: string; result: OperationResult | null } | null>;
}

export interface LedgerEntryView {
  id: number;
  currency: Currency;
  amount: number;
  balanceAfter: number;
  reason: string;
  refType: string | null;
  refId: string | null;
  actor: string;
  createdAt: Date;
}

/** Read side of the ledger: history pages and the points that count for tiers. */
export interface LedgerQueries {
  /** Newest first; `beforeId` pages backwards. */
  history(merchantId: string, memberId: string, opts: { beforeId?: number; afterId?: number; limit: number }): Promise<LedgerEntryView[]>;
  /** Points earned in the `windowDays` Tehran days up to `asOf` (all time when null). */
  qualifyingPoints(memberId: string, windowDays: number | null, asOf: Date): Promise<number>;
  /** What of a currency expires within `withinDays` after `asOf`, and when the first of it does. */
  expiring(memberId: string, currency: Currency, withinDays: number, asOf: Date): Promise<{ amount: number; firstAt: Date } | undefined>;
}
