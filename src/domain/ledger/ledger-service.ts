import { contentHash } from '../../lib/canonical-hash.js';
import { tehranDay } from '../../lib/jalali.js';
import { systemClock, type Clock } from '../clock.js';
import { invalid } from '../errors.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { tierOptions } from '../tiers/tiers.js';
import {
  CURRENCIES,
  type ApplyCommand,
  type ApplyCommandWithout,
  type Currency,
  type GiftRestrictions,
  type LedgerLine,
  type LedgerStore,
  type MemberReference,
  type OperationOutcome,
  type ReferenceOutcome,
  type SpendContext,
} from './types.js';

export const MAX_AMOUNT = 1e15;
const DAY_MS = 86_400_000;

interface Common {
  merchantId: string;
  memberId: string;
  currency: Currency;
  amount: number;
  reason: string;
  idempotencyKey: string;
  actor: string;
  refType?: string;
  refId?: string;
}

export function assertAmount(amount: number, field = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_AMOUNT) {
    throw invalid('invalid_amount', `${field} must be a whole number between 1 and 10^15`, { field, value: amount });
  }
}

function assertCurrency(currency: string): asserts currency is Currency {
  if (!(CURRENCIES as readonly string[]).includes(currency))
    throw invalid('invalid_currency', `currency must be one of ${CURRENCIES.join(', ')}`);
}

/**
 * Every balance change goes through here: the amounts are checked, expiry defaults come from
 * the merchant's settings, and the store applies the lines in one transaction, idempotently.
 */
export class LedgerService {
  constructor(
    private readonly store: LedgerStore,
    private readonly settings: SettingsProvider,
    private readonly clock: Clock = systemClock,
  ) {}

  /** When an earn of this currency expires unless the caller says otherwise (null: never). */
  async defaultExpiry(merchantId: string, currency: Currency, from: Date): Promise<Date | null> {
    const { expiry } = await this.settings.get(merchantId);
    if (currency === 'credit' && expiry.creditDays !== null) return new Date(from.getTime() + expiry.creditDays * DAY_MS);
    if (currency === 'points' && expiry.pointsExpire) return new Date(from.getTime() + expiry.pointsDays * DAY_MS);
    return null;
  }

  async earn(
    input: Common & { expiresAt?: Date | null; restrictions?: GiftRestrictions | null; countsForTier?: boolean },
  ): Promise<OperationOutcome> {
    assertCurrency(input.currency);
    assertAmount(input.amount);
    // Hashed before defaults are filled in: a retry tomorrow must replay, not conflict.
    const requestHash = contentHash({ op: 'earn', ...input, idempotencyKey: undefined });
    const now = this.clock.now();
    const expiresAt = input.expiresAt !== undefined ? input.expiresAt : await this.defaultExpiry(input.merchantId, input.currency, now);
    return this.apply({
      requestHash,
      merchantId: input.merchantId,
      memberId: input.memberId,
      idempotencyKey: input.idempotencyKey,
      kind: 'earn',
      actor: input.actor,
      lines: [
        {
          mode: 'earn',
          currency: input.currency,
          amount: input.amount,
          reason: input.reason,
          refType: input.refType,
          refId: input.refId,
          expiresAt,
          restrictions: input.restrictions,
          countsForTier: input.countsForTier,
        },
      ],
    });
  }

  async spend(input: Common & { context?: SpendContext }): Promise<OperationOutcome> {
    assertCurrency(input.currency);
    assertAmount(input.amount);
    return this.apply({
      requestHash: contentHash({ op: 'spend', ...input, idempotencyKey: undefined }),
      merchantId: input.merchantId,
      memberId: input.memberId,
      idempotencyKey: input.idempotencyKey,
      kind: 'spend',
      actor: input.actor,
      lines: [
        {
          mode: 'spend',
          currency: input.currency,
          amount: input.amount,
          reason: input.reason,
          refType: input.refType,
          refId: input.refId,
          context: input.context,
        },
      ],
    });
  }

  /** A manual correction: positive earns (not counted for tiers), negative spends and fails if it does not fit. */
  async adjust(input: Omit<Common, 'amount'> & { amount: number }): Promise<OperationOutcome> {
    if (input.amount === 0) throw invalid('invalid_amount', 'amount must not be zero');
    if (input.amount > 0) return this.earn({ ...input, reason: input.reason, countsForTier: false, refType: 'adjustment' });
    return this.spend({ ...input, amount: -input.amount, refType: 'adjustment' });
  }

  /** A purchase-style operation for a member named by phone or code (see LedgerStore.applyByReference). */
  async applyByReference(
    cmd: ApplyCommandWithout<'memberId' | 'day' | 'tiers'> & { member: MemberReference; expectedTier: string; at: Date },
  ): Promise<ReferenceOutcome> {
    const settings = await this.settings.get(cmd.merchantId);
    const { at, ...rest } = cmd;
    return this.store.applyByReference({ ...rest, day: tehranDay(at), tiers: tierOptions(settings.tiers) });
  }

  findOperation(merchantId: string, idempotencyKey: string) {
    return this.store.findOperation(merchantId, idempotencyKey);
  }

  /**
   * A complete command (hash, Tehran day, tier levels) for a store that applies it inside a
   * transaction of its own, together with other writes.
   */
  async prepare(cmd: ApplyCommandWithout<'requestHash' | 'day' | 'tiers'> & { requestHash?: string; at?: Date }): Promise<ApplyCommand> {
    const settings = await this.settings.get(cmd.merchantId);
    const { at, ...rest } = cmd;
    const requestHash =
      cmd.requestHash ??
      contentHash({ kind: cmd.kind, memberId: cmd.memberId, lines: cmd.lines, purchase: cmd.purchase, refund: cmd.refund });
    return { ...rest, requestHash, day: tehranDay(at ?? this.clock.now()), tiers: tierOptions(settings.tiers) };
  }

  /**
   * Applies lines as one operation. The request hash covers everything but the key, so a retry
   * with the same content replays and one with other content conflicts.
   */
  async apply(cmd: ApplyCommandWithout<'requestHash' | 'day' | 'tiers'> & { requestHash?: string; at?: Date }): Promise<OperationOutcome> {
    return this.store.apply(await this.prepare(cmd));
  }
}

export type { LedgerLine };
