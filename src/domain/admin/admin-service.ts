import { systemClock, type Clock } from '../clock.js';
import { forbidden, invalid, isDomainError, notFound } from '../errors.js';
import type { CodeOf } from '../error-codes.js';
import type { BroadcastService } from '../campaigns/broadcast-service.js';
import type { CampaignService } from '../campaigns/campaign-service.js';
import type { MemberQueries } from '../members/member-queries.js';
import type { MemberService } from '../members/member-service.js';
import type { PurchaseService } from '../purchases/purchase-service.js';
import type { GiftService } from '../rewards/gift-service.js';
import type { Raffle, RaffleService } from '../rewards/raffle-service.js';
import type { VoucherService } from '../rewards/voucher-service.js';
import { tehranDaysOf, tehranStartOfDay } from '../../lib/tehran-calendar.js';
import type { OperatorService, OperatorStore } from './operator-service.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { can, type AdminAction, type Operator } from './permissions.js';

export interface Figures {
  purchases: number;
  revenue: number;
  buyers: number;
  newMembers: number;
  pointsIssued: number;
  pointsSpent: number;
  refunds: number;
}

/** What came of calling a raffle off from the bot. */
export type RaffleCancelOutcome =
  { outcome: 'cancelled'; raffle: Raffle; refunded: number } | { outcome: 'drawn' | 'already_cancelled'; raffle: Raffle };

export interface FiguresSource {
  figures(merchantId: string, from: Date, to: Date, branch?: string | null): Promise<Figures>;
}

/**
 * What operators do from the bot, each action checked against the operator's role on the server
 * and written to the audit log (refusals too). Cashiers are held to their own branch.
 */
export class AdminService {
  constructor(
    private readonly deps: {
      operators: OperatorService;
      audit: Pick<OperatorStore, 'audit'>;
      purchases: PurchaseService;
      members: MemberService;
      memberQueries: MemberQueries;
      gifts: GiftService;
      campaigns: CampaignService;
      broadcasts: BroadcastService;
      vouchers: Pick<VoucherService, 'campaigns' | 'updateCampaign'>;
      raffles: Pick<RaffleService, 'list' | 'get' | 'cancel'>;
      reports: FiguresSource;
      settings: SettingsProvider;
      clock?: Clock;
    },
  ) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  private async guard(op: Operator, action: AdminAction, target?: string | null, details?: unknown): Promise<void> {
    if (can(op.role, action)) return;
    await this.record(op, action, false, target, details);
    throw forbidden('not_allowed', `A ${op.role} cannot do ${action}`, { role: op.role, action });
  }

  private audit(op: Operator, action: string, target?: string | null, details?: unknown) {
    return this.record(op, action, true, target, details);
  }

  /** One audit line: what the operator did (or was refused). */
  private record(op: Operator, action: string, allowed: boolean, target?: string | null, details?: unknown) {
    return this.deps.audit.audit({
      merchantId: op.merchantId,
      operatorId: op.id,
      actor: `operator:${op.id}`,
      action,
      allowed,
      target,
      details,
    });
  }

  can(op: Operator, action: AdminAction) {
    return can(op.role, action);
  }

  /** Refuses (audited) unless the role may do `action`: before a flow starts asking questions. */
  require(op: Operator, action: AdminAction, target?: string | null) {
    return this.guard(op, action, target);
  }

  /** A purchase at the till; `nonce` (from the confirmation button) makes a double tap record it once. */
  async recordPurchase(
    op: Operator,
    input: { phone?: string; memberCode?: string; amount: number; category?: string; branch?: string; nonce: string },
  ) {
    await this.guard(op, 'purchase.record', input.phone ?? input.memberCode);
    // Staff who are members too may not credit themselves: their purchases are rung up by a colleague.
    const member = input.phone
      ? await this.deps.members.findByPhone(op.merchantId, input.phone)
      : input.memberCode
        ? await this.deps.members.findByCode(op.merchantId, input.memberCode)
        : null;
    if (member && op.telegramUserId && (await this.deps.members.sharesIdentity(member.id, 'telegram', op.telegramUserId))) {
      throw await this.refuse(
        op,
        'purchase.record',
        member.id,
        'own_purchase',
        'Staff cannot record a purchase for their own member account',
      );
    }
    const branch = op.role === 'cashier' ? (op.branch ?? undefined) : input.branch?.trim() || op.branch || undefined;
    const category = input.category?.trim() || undefined;
    const out = await this.deps.purchases.record(
      op.merchantId,
      {
        orderId: `chat-${input.nonce}`,
        phone: input.phone,
        memberCode: input.memberCode,
        amount: input.amount,
        branch,
        items: category ? [{ sku: category, category, quantity: 1, unitPrice: input.amount }] : undefined,
      },
      `operator:${op.id}`,
    );
    await this.audit(op, 'purchase.record', out.memberId, { orderId: `chat-${input.nonce}`, amount: input.amount, branch, category });
    return { ...out, orderId: `chat-${input.nonce}` };
  }

  async findPurchase(op: Operator, orderId: string) {
    await this.guard(op, 'purchase.refund', orderId);
    const purchase = await this.deps.purchases.find(op.merchantId, orderId);
    if (!purchase) throw notFound('order_not_found', `No purchase with orderId ${orderId}`);
    if (op.role === 'cashier' && purchase.branch !== op.branch) throw await this.refuse(op, 'purchase.refund', orderId, 'other_branch');
    return purchase;
  }

  private async refuse(
    op: Operator,
    action: string,
    target: string,
    reason: CodeOf<'forbidden'>,
    message = 'A cashier can only return purchases of their own branch',
  ) {
    await this.record(op, action, false, target, { reason });
    return forbidden(reason, message);
  }

  async recordReturn(op: Operator, input: { orderId: string; amount?: number; nonce: string }) {
    const purchase = await this.findPurchase(op, input.orderId);
    const out = await this.deps.purchases.refund(
      op.merchantId,
      { refundId: `chat-${input.nonce}`, orderId: purchase.orderId, amount: input.amount },
      `operator:${op.id}`,
    );
    await this.audit(op, 'purchase.refund', purchase.orderId, { refundId: `chat-${input.nonce}`, amount: out.amount });
    return out;
  }

  /** The member's returnable purchases, newest first (the return flow offers them). */
  async recentPurchases(op: Operator, memberId: string) {
    await this.guard(op, 'purchase.refund', memberId);
    const list = await this.deps.purchases.recentForMember(op.merchantId, memberId, 5);
    return list.filter((p) => p.amount > p.refundedAmount && (op.role !== 'cashier' || p.branch === op.branch));
  }

  /** The club's tier keys, for segment choices. */
  async tierKeys(op: Operator): Promise<string[]> {
    await this.guard(op, 'campaigns');
    return (await this.deps.settings.get(op.merchantId)).tiers.levels.map((l) => l.key);
  }

  async lookupMember(op: Operator, query: string) {
    await this.guard(op, 'member.lookup', query);
    const q = query.trim();
    // findByPhone throws at once on a text that is no phone (a member code): that is "not found by phone".
    const byPhone = await Promise.resolve()
      .then(() => this.deps.members.findByPhone(op.merchantId, q))
      .catch(() => null);
    const member = byPhone ?? (await this.deps.members.findByCode(op.merchantId, q));
    if (!member) throw notFound('member_not_found', 'No member with this phone or code');
    await this.audit(op, 'member.lookup', member.id);
    return this.deps.memberQueries.profile(op.merchantId, member.id);
  }

  async giftQueue(op: Operator) {
    await this.guard(op, 'gifts.queue');
    const [requested, approved] = await Promise.all([
      this.deps.gifts.requests(op.merchantId, { status: 'requested', limit: 20 }),
      this.deps.gifts.requests(op.merchantId, { status: 'approved', limit: 20 }),
    ]);
    return [...requested, ...approved];
  }

  async giftStep(op: Operator, id: string, step: 'approve' | 'ship' | 'reject', note?: string) {
    await this.guard(op, 'gifts.queue', id);
    const out =
      step === 'approve'
        ? await this.deps.gifts.approve(op.merchantId, id)
        : step === 'ship'
          ? await this.deps.gifts.ship(op.merchantId, id, note)
          : await this.deps.gifts.reject(op.merchantId, id, note);
    await this.audit(op, `gifts.${step}`, id, note ? { note } : undefined);
    return out;
  }

  async countSegment(op: Operator, segment: unknown) {
    await this.guard(op, 'campaigns');
    return this.deps.campaigns.countSegment(op.merchantId, segment);
  }

  async createCampaign(op: Operator, input: unknown) {
    await this.guard(op, 'campaigns');
    const out = await this.deps.campaigns.create(op.merchantId, input, `operator:${op.id}`);
    await this.audit(op, 'campaigns.create', out.campaign.id, {
      kind: out.campaign.kind,
      broadcast: out.broadcast?.id,
      recipients: out.recipients,
    });
    return out;
  }

  async broadcastControl(op: Operator, id: string, action: 'pause' | 'resume' | 'cancel' | 'status') {
    await this.guard(op, 'campaigns', id);
    const b = this.deps.broadcasts;
    const out =
      action === 'status'
        ? await b.status(op.merchantId, id)
        : action === 'pause'
          ? await b.pause(op.merchantId, id)
          : action === 'resume'
            ? await b.resume(op.merchantId, id)
            : await b.cancel(op.merchantId, id);
    if (action !== 'status') await this.audit(op, `broadcasts.${action}`, id);
    return out;
  }

  /** The club's voucher campaigns with their issued and redeemed counts. */
  async voucherCampaigns(op: Operator) {
    await this.guard(op, 'campaigns');
    return this.deps.vouchers.campaigns(op.merchantId);
  }

  /** Pauses or resumes a voucher campaign: a paused campaign's codes are refused until it is resumed. */
  async setVoucherCampaign(op: Operator, id: string, active: boolean) {
    await this.guard(op, 'campaigns', id, { active });
    const out = await this.deps.vouchers.updateCampaign(op.merchantId, id, { active });
    await this.audit(op, 'vouchers.update', out.id, { active });
    return out;
  }

  /** Raffles not yet drawn nor cancelled, soonest closing first. */
  async openRaffles(op: Operator): Promise<Raffle[]> {
    await this.guard(op, 'campaigns');
    const list = await this.deps.raffles.list(op.merchantId);
    return list.filter((r) => r.status === 'open').sort((a, b) => a.closesAt.getTime() - b.closesAt.getTime());
  }

  async raffle(op: Operator, id: string): Promise<Raffle> {
    await this.guard(op, 'campaigns', id);
    return this.deps.raffles.get(op.merchantId, id);
  }

  /**
   * Calls a raffle off: coins paid for tickets go back and holders are told. `refunded` is the
   * number of coin-bought tickets paid back; a raffle drawn (or cancelled) before says so instead.
   */
  async cancelRaffle(op: Operator, id: string): Promise<RaffleCancelOutcome> {
    await this.guard(op, 'campaigns', id);
    const before = await this.deps.raffles.get(op.merchantId, id);
    if (before.status === 'drawn') return { outcome: 'drawn', raffle: before };
    if (before.status === 'cancelled') return { outcome: 'already_cancelled', raffle: before };
    let raffle: Raffle;
    try {
      raffle = await this.deps.raffles.cancel(op.merchantId, id, `operator:${op.id}`);
    } catch (err) {
      if (isDomainError(err, 'raffle_drawn')) return { outcome: 'drawn', raffle: await this.deps.raffles.get(op.merchantId, id) };
      throw err;
    }
    const refunded = raffle.entryRule.kind === 'coins' ? raffle.ticketCount : 0;
    await this.audit(op, 'raffles.cancel', raffle.id, { title: raffle.title, tickets: raffle.ticketCount, refunded });
    return { outcome: 'cancelled', raffle, refunded };
  }

  /** Today (Tehran) and this Jalali month so far. */
  async figures(op: Operator) {
    await this.guard(op, 'reports');
    const now = new Date(this.clock.now().getTime() + 60_000);
    const today = tehranStartOfDay(now);
    const monthStart = new Date(`${tehranDaysOf('month', now)[0]}T00:00:00+03:30`);
    const [day, month] = await Promise.all([
      this.deps.reports.figures(op.merchantId, today, now),
      this.deps.reports.figures(op.merchantId, monthStart, now),
    ]);
    return { today: day, month };
  }

  async inviteOperator(op: Operator, role: string, branch: string | null) {
    await this.guard(op, 'operators', role);
    if (role === 'owner' && op.role !== 'owner') throw invalid('invalid_role', 'Only an owner can invite an owner');
    return this.deps.operators.invite(op.merchantId, role, branch, `operator:${op.id}`);
  }
}
