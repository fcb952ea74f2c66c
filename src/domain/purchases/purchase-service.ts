import { LRUCache } from 'lru-cache';
import { contentHash } from '../../lib/canonical-hash.js';
import { conflict, forbidden, invalid, isDomainError, notFound, unprocessable } from '../errors.js';
import { assertAmount, type LedgerService } from '../ledger/ledger-service.js';
import { CURRENCIES, type Balances, type LedgerLine, type OperationResult } from '../ledger/types.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { normalizeCode } from '../members/codes.js';
import type { MemberService } from '../members/member-service.js';
import { normalizePhone } from '../members/phone.js';
import { evaluateEarningRules, type PurchaseItem } from '../rules/evaluate.js';
import type { EarningRule } from '../rules/settings.js';
import { systemClock, type Clock } from '../clock.js';
import { reversalFor } from './reversal.js';
import type { MoneyUnit, PurchaseInput, PurchaseOutcome, PurchaseStore, RefundInput, RefundOutcome } from './types.js';

const ZERO: Balances = { points: 0, coins: 0, credit: 0 };
/** Refunds of one order racing each other retry; each retry means another refund went through. */
const STALE_RETRIES = 50;
const TIER_HINTS = 50_000;

/** Amounts arrive in the shop's unit; the club counts in the merchant's (1 Toman = 10 Rial). */
export function toMerchantUnit(amount: number, from: MoneyUnit | undefined, to: MoneyUnit): number {
  if (!from || from === to) return amount;
  return from === 'IRR' ? Math.floor(amount / 10) : amount * 10;
}

function awardedOf(result: OperationResult): Balances {
  const out = { ...ZERO };
  for (const l of result.lines) if (l.mode === 'earn') out[l.currency] += l.applied;
  return out;
}

function purchaseOutcome(result: OperationResult, replayed: boolean): PurchaseOutcome {
  const extra = result.extra as { rules: string[] };
  return {
    replayed,
    purchaseId: result.purchaseId!,
    memberId: result.memberId,
    status: result.memberStatus === 'pending' ? 'pending_member' : 'credited',
    awarded: awardedOf(result),
    balances: result.balances,
    tier: result.tier,
    previousTier: result.previousTier,
    rules: extra.rules,
  };
}

function itemsTotal(items: PurchaseItem[]): number {
  return items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);
}

/** Purchases and refunds: who bought, what the rules award, and taking it back on returns. */
export class PurchaseService {
  constructor(
    private readonly deps: {
      store: PurchaseStore;
      ledger: LedgerService;
      members: MemberService;
      settings: SettingsProvider;
      /** Earning rules from running campaigns (double points on Fridays, …), added to the club's own. */
      campaignRules?: (merchantId: string) => Promise<EarningRule[]>;
      clock?: Clock;
    },
  ) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  async record(merchantId: string, input: PurchaseInput, actor: string): Promise<PurchaseOutcome> {
    const orderId = input.orderId?.trim();
    if (!orderId || orderId.length > 128) throw invalid('invalid_order_id', 'orderId must be 1–128 characters');
    assertAmount(input.amount);
    let by: { phone: string } | { memberCode: string };
    if (input.phone !== undefined) {
      const phone = normalizePhone(input.phone);
      if (!phone) throw invalid('invalid_phone', 'phone is not a valid mobile number', { field: 'phone', value: input.phone });
      by = { phone };
    } else if (input.memberCode !== undefined) {
      const memberCode = normalizeCode(input.memberCode);
      if (!memberCode) throw invalid('invalid_member_code', 'memberCode is not a valid member code', { field: 'memberCode' });
      by = { memberCode };
    } else {
      throw invalid('member_required', 'Give phone or memberCode');
    }
    const settings = await this.deps.settings.get(merchantId);
    const campaignRules = this.deps.campaignRules ? await this.deps.campaignRules(merchantId) : [];
    const earningSettings = campaignRules.length
      ? { ...settings.earning, rules: [...settings.earning.rules, ...campaignRules] }
      : settings.earning;
    const amount = toMerchantUnit(input.amount, input.currency, settings.currency);
    if (amount < 1) throw invalid('invalid_amount', 'amount is less than one unit of the club currency');

    // The content as the shop sent it (normalised), not our defaults: a retry must hash the same.
    const requestHash = contentHash({ ...input, orderId, phone: undefined, memberCode: undefined, member: by });
    const key = `purchase:${orderId}`;
    const occurredAt = input.occurredAt ?? this.clock.now();
    const hintKey = `${merchantId}/${'phone' in by ? by.phone : by.memberCode}`;
    let tier = this.tierHints.get(hintKey) ?? settings.tiers.levels[0]!.key;

    // Usually one round trip: the ledger finds the member and confirms the tier the rules assumed.
    for (let attempt = 0; ; attempt++) {
      const earning = evaluateEarningRules(earningSettings, { amount, items: input.items, occurredAt, branch: input.branch, tier });
      const caps = settings.earning.caps;
      const ref = { refType: 'purchase', refId: orderId };
      const lines: LedgerLine[] = [];
      if (earning.points > 0) {
        lines.push({
          mode: 'earn',
          currency: 'points',
          amount: earning.points,
          reason: 'purchase',
          ...ref,
          dailyCap: caps.pointsPerDay,
          expiresAt: await this.deps.ledger.defaultExpiry(merchantId, 'points', occurredAt),
        });
      }
      if (earning.coins > 0)
        lines.push({ mode: 'earn', currency: 'coins', amount: earning.coins, reason: 'purchase', ...ref, dailyCap: caps.coinsPerDay });
      if (earning.credit > 0) {
        lines.push({
          mode: 'earn',
          currency: 'credit',
          amount: earning.credit,
          reason: 'cashback',
          ...ref,
          dailyCap: caps.creditPerDay,
          expiresAt: await this.deps.ledger.defaultExpiry(merchantId, 'credit', occurredAt),
        });
      }
      let outcome;
      try {
        outcome = await this.deps.ledger.applyByReference({
          merchantId,
          member: by,
          expectedTier: tier,
          idempotencyKey: key,
          requestHash,
          kind: 'purchase',
          actor,
          at: occurredAt,
          lines,
          purchase: {
            orderId,
            amount,
            items: input.items,
            branch: input.branch,
            occurredAt,
            voucherCode: input.voucherCode,
            staffCode: input.staffCode,
            rules: earning.applied,
          },
          extra: { rules: earning.applied.map((r) => r.id) },
          // One event carries the purchase and what it earned (also when it earned nothing).
          eventType: 'purchase.recorded',
          event: {
            order_id: orderId,
            amount,
            occurred_at: occurredAt.toISOString(),
            branch: input.branch ?? null,
            staff_code: input.staffCode ?? null,
            voucher_code: input.voucherCode ?? null,
          },
        });
      } catch (err) {
        if (isDomainError(err, 'idempotency_conflict'))
          throw conflict('order_conflict', `Order ${orderId} was already recorded with different content`, { orderId });
        throw err;
      }
      if (outcome.kind === 'applied') {
        this.rememberTier(hintKey, outcome.result.tier);
        return purchaseOutcome(outcome.result, outcome.replayed);
      }
      if (attempt >= 3) throw new Error(`purchase ${orderId}: member or tier kept changing`);
      if (outcome.kind === 'tier_mismatch') {
        tier = outcome.tier;
        continue;
      }
      // No member with this phone yet: unless this order is a replay (then the ledger answers it
      // next time round), the purchase creates a pending member.
      if ('memberCode' in by) throw notFound('member_not_found', 'No member with this member code');
      const previous = await this.deps.ledger.findOperation(merchantId, key);
      if (previous && previous.requestHash !== requestHash)
        throw conflict('order_conflict', `Order ${orderId} was already recorded with different content`, { orderId });
      const pending = await this.deps.members.ensurePending(merchantId, by.phone);
      if (pending.member.status === 'blocked') throw forbidden('member_blocked', 'This member is blocked by the club');
      tier = pending.member.tier;
    }
  }

  /** Members' tiers seen lately, to guess right the first time; the ledger checks the guess. */
  private readonly tierHints = new LRUCache<string, string>({ max: TIER_HINTS });

  private rememberTier(key: string, tier: string) {
    this.tierHints.set(key, tier);
  }

  recentForMember(merchantId: string, memberId: string, limit: number) {
    return this.deps.store.recentForMember(merchantId, memberId, limit);
  }

  find(merchantId: string, orderId: string) {
    return this.deps.store.findByOrderId(merchantId, orderId.trim());
  }

  async refund(merchantId: string, input: RefundInput, actor: string): Promise<RefundOutcome> {
    const refundId = input.refundId?.trim();
    const orderId = input.orderId?.trim();
    if (!refundId || refundId.length > 128) throw invalid('invalid_refund_id', 'refundId must be 1–128 characters');
    if (!orderId || orderId.length > 128) throw invalid('invalid_order_id', 'orderId must be 1–128 characters');
    if (input.amount !== undefined) assertAmount(input.amount);
    const key = `refund:${refundId}`;
    const requestHash = contentHash({ ...input, refundId, orderId });

    for (let attempt = 0; ; attempt++) {
      const previous = await this.deps.ledger.findOperation(merchantId, key);
      if (previous) {
        if (previous.requestHash !== requestHash)
          throw conflict('refund_conflict', `Refund ${refundId} was already recorded with different content`, { refundId });
        return refundOutcome(previous.result!, true);
      }
      const purchase = await this.deps.store.findByOrderId(merchantId, orderId);
      if (!purchase) throw notFound('order_not_found', `No purchase with orderId ${orderId}`, { orderId });
      const remaining = purchase.amount - purchase.refundedAmount;
      const amount = input.amount ?? (input.items?.length ? Math.min(itemsTotal(input.items), remaining) : remaining);
      if (remaining === 0) throw unprocessable('already_refunded', `Order ${orderId} is already fully refunded`, { orderId });
      if (amount > remaining)
        throw unprocessable('refund_exceeds_purchase', `Only ${remaining} of order ${orderId} remains to refund`, { remaining });
      if (amount <= 0) throw invalid('invalid_amount', 'Nothing to refund');
      const reversal = reversalFor(purchase, amount);
      const lines: LedgerLine[] = CURRENCIES.filter((c) => reversal[c] > 0).map((c) => ({
        mode: 'reverse',
        currency: c,
        amount: reversal[c],
        reason: 'refund',
        refType: 'refund',
        refId: refundId,
        sourceEntryId: purchase.awardEntries[c],
      }));
      const refundedTotal = purchase.refundedAmount + amount;
      try {
        const outcome = await this.deps.ledger.apply({
          merchantId,
          memberId: purchase.memberId,
          idempotencyKey: key,
          requestHash,
          kind: 'refund',
          actor,
          lines,
          refund: { purchaseId: purchase.id, refundId, amount, items: input.items, expectedRefunded: purchase.refundedAmount, reversal },
          extra: {
            refund_id: refundId,
            purchase_id: purchase.id,
            amount,
            reversed: reversal,
            refunded_total: refundedTotal,
            remaining: purchase.amount - refundedTotal,
          },
          eventType: 'purchase.refunded',
          event: { order_id: orderId, refund_id: refundId, amount, full: refundedTotal === purchase.amount },
        });
        return refundOutcome(outcome.result, outcome.replayed);
      } catch (err) {
        // Another refund of the same order landed between our read and our write: read again.
        if (isDomainError(err, 'stale_purchase') && attempt < STALE_RETRIES) {
          await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
          continue;
        }
        if (isDomainError(err, 'idempotency_conflict'))
          throw conflict('refund_conflict', `Refund ${refundId} was already recorded with different content`, { refundId });
        throw err;
      }
    }
  }
}

function refundOutcome(result: OperationResult, replayed: boolean): RefundOutcome {
  // purchase_id travels in the operation's result, where the ledger reads it as result.purchaseId.
  const extra = result.extra as { refund_id: string; amount: number; reversed: Balances; refunded_total: number; remaining: number };
  return {
    replayed,
    refundId: extra.refund_id,
    purchaseId: result.purchaseId!,
    memberId: result.memberId,
    amount: extra.amount,
    reversed: extra.reversed,
    shortfall: { ...ZERO, ...result.shortfall },
    balances: result.balances,
    refundedTotal: extra.refunded_total,
    remaining: extra.remaining,
  };
}
