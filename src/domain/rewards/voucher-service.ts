import { z } from 'zod';
import { contentHash } from '../../lib/canonical-hash.js';
import { dayOrMoment } from '../dates.js';
import { systemClock, type Clock } from '../clock.js';
import { conflict, invalid, notFound, unprocessable } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { ApplyCommand } from '../ledger/types.js';
import type { MemberService } from '../members/member-service.js';
import type { Member } from '../members/types.js';
import type { PurchaseItem } from '../rules/evaluate.js';
import { checkVoucher, normalizeVoucherCode, type VoucherCampaign, type VoucherCheck } from './voucher-rules.js';
import { parseInput } from '../validation.js';
import { requireOwnReferences, type ReferenceStore } from '../references.js';

export const campaignInputSchema = z
  .object({
    name: z.string().min(1).max(120),
    kind: z.enum(['percent', 'fixed', 'free_shipping', 'gift_item']),
    value: z.number().int().min(0).max(1e15).default(0),
    maxDiscount: z.number().int().min(0).max(1e15).nullable().default(null),
    giftItem: z.string().min(1).max(120).nullable().default(null),
    sharedCode: z.string().min(3).max(32).nullable().default(null),
    totalLimit: z.number().int().min(1).nullable().default(null),
    perMemberLimit: z.number().int().min(1).nullable().default(null),
    validFrom: dayOrMoment('start').nullable().default(null),
    validTo: dayOrMoment('end').nullable().default(null),
    minPurchase: z.number().int().min(0).max(1e15).default(0),
    categories: z.array(z.string().min(1).max(64)).max(50).default([]),
    tiers: z.array(z.string().min(1).max(30)).max(10).default([]),
    coinPrice: z.number().int().min(1).max(1e9).nullable().default(null),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === 'percent' && (c.value < 1 || c.value > 100))
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a percentage from 1 to 100' });
    if (c.kind === 'fixed' && c.value < 1) ctx.addIssue({ code: 'custom', path: ['value'], message: 'the amount taken off' });
    if (c.kind === 'gift_item' && !c.giftItem) ctx.addIssue({ code: 'custom', path: ['giftItem'], message: 'name the gift item' });
    if (c.sharedCode && c.coinPrice) ctx.addIssue({ code: 'custom', path: ['coinPrice'], message: 'coins buy single-use codes only' });
    if (c.validFrom && c.validTo && c.validFrom > c.validTo)
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'ends before it starts' });
  });

export type CampaignInput = z.input<typeof campaignInputSchema>;

/** What may change once codes are out: the name, on/off, the last day and the limits (not the discount). */
export const campaignChangeSchema = z
  .object({
    name: z.string().min(1).max(120),
    active: z.boolean(),
    validTo: dayOrMoment('end').nullable(),
    totalLimit: z.number().int().min(1).nullable(),
    perMemberLimit: z.number().int().min(1).nullable(),
  })
  .partial()
  .strict();

export type CampaignChange = z.output<typeof campaignChangeSchema>;

export interface MemberVoucher {
  code: string;
  status: 'assigned' | 'redeemed';
  campaign: VoucherCampaign;
  assignedAt: Date | null;
  redeemedAt: Date | null;
}

export interface RedemptionResult {
  replayed: boolean;
  code: string;
  orderId: string;
  discount: number;
  freeShipping: boolean;
  giftItem: string | null;
}

export interface VoucherStore {
  /** 'code_taken' when another campaign of the club has this shared code. */
  createCampaign(merchantId: string, c: z.output<typeof campaignInputSchema>): Promise<VoucherCampaign | 'code_taken'>;
  campaigns(merchantId: string): Promise<(VoucherCampaign & { issued: number; redeemed: number })[]>;
  campaign(merchantId: string, id: string): Promise<VoucherCampaign | null>;
  updateCampaign(merchantId: string, id: string, change: CampaignChange): Promise<VoucherCampaign | null>;
  generateCodes(merchantId: string, campaignId: string, count: number): Promise<string[]>;
  /** A single-use voucher (with its campaign) or a shared campaign, by the code typed. */
  lookup(
    merchantId: string,
    code: string,
  ): Promise<{ campaign: VoucherCampaign; voucher: { id: string; memberId: string | null; status: string } | null } | null>;
  redemptionFor(merchantId: string, orderId: string): Promise<{ requestHash: string; code: string; discount: number } | null>;
  /** Records a redemption; refuses a used single-use code or a shared code past its limits. */
  redeem(input: {
    merchantId: string;
    campaign: VoucherCampaign;
    voucherId: string | null;
    code: string;
    memberId: string | null;
    orderId: string;
    amount: number;
    discount: number;
    requestHash: string;
  }): Promise<'ok' | 'replayed' | 'conflict' | 'already_redeemed' | 'limit_reached' | 'member_limit_reached' | 'not_yours'>;
  /** Gives a member a fresh single-use code; with `ledger`, coins are paid in the same transaction. */
  assign(merchantId: string, campaignId: string, memberId: string, source: string, ledger?: ApplyCommand): Promise<string>;
  assignOnce(merchantId: string, campaignId: string, memberId: string, source: string): Promise<string>;
  memberVouchers(merchantId: string, memberId: string): Promise<MemberVoucher[]>;
}

const REASON_MESSAGES: Record<string, string> = {
  inactive: 'This voucher is not active',
  not_started: 'This voucher is not valid yet',
  expired: 'This voucher has expired',
  below_minimum: 'The purchase is below the voucher’s minimum',
  no_matching_items: 'No item in the basket is in the voucher’s categories',
  tier_not_allowed: 'The member’s tier cannot use this voucher',
  unknown_code: 'No voucher with this code',
  already_redeemed: 'This code has already been used',
  limit_reached: 'This code has reached its limit',
  member_limit_reached: 'This member has used this code as often as allowed',
  not_yours: 'This code belongs to another member',
};

export class VoucherService {
  constructor(
    private readonly deps: {
      store: VoucherStore;
      members: MemberService;
      ledger: LedgerService;
      references: ReferenceStore;
      clock?: Clock;
    },
  ) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  async createCampaign(merchantId: string, input: unknown): Promise<VoucherCampaign> {
    const c = parseInput(campaignInputSchema, input, 'invalid_campaign', 'campaign');
    if (c.sharedCode) {
      const code = normalizeVoucherCode(c.sharedCode);
      if (!code) throw invalid('invalid_code', 'A shared code is 3 to 32 letters and digits');
      c.sharedCode = code;
    }
    const campaign = await this.deps.store.createCampaign(merchantId, c);
    if (campaign === 'code_taken')
      throw conflict('shared_code_taken', 'Another voucher campaign of this club already has this shared code');
    return campaign;
  }

  campaigns(merchantId: string) {
    return this.deps.store.campaigns(merchantId);
  }

  /** Pauses or ends a campaign, renames it or changes its limits; codes already given keep their discount. */
  async updateCampaign(merchantId: string, id: string, input: unknown): Promise<VoucherCampaign> {
    const change = parseInput(campaignChangeSchema, input, 'invalid_campaign', 'campaign');
    const current = await this.requireCampaign(merchantId, id);
    if (change.validTo && current.validFrom && change.validTo < current.validFrom)
      throw invalid('invalid_campaign', 'validTo is before the campaign starts', { field: 'validTo' });
    const updated = await this.deps.store.updateCampaign(merchantId, id, change);
    if (!updated) throw notFound('campaign_not_found', 'No voucher campaign with this id');
    return updated;
  }

  async generate(merchantId: string, campaignId: string, count: number): Promise<string[]> {
    if (!Number.isInteger(count) || count < 1 || count > 10_000) throw invalid('invalid_count', 'Generate 1 to 10,000 codes at a time');
    const campaign = await this.requireCampaign(merchantId, campaignId);
    if (campaign.sharedCode) throw unprocessable('shared_campaign', 'A shared campaign has one code; it needs no batch');
    return this.deps.store.generateCodes(merchantId, campaignId, count);
  }

  private async requireCampaign(merchantId: string, id: string) {
    const c = await this.deps.store.campaign(merchantId, id);
    if (!c) throw notFound('campaign_not_found', 'No voucher campaign with this id');
    return c;
  }

  private async resolve(merchantId: string, who: { memberId?: string; phone?: string; memberCode?: string }): Promise<Member | null> {
    if (who.memberId) return this.deps.members.get(merchantId, who.memberId);
    if (who.phone) return this.deps.members.findByPhone(merchantId, who.phone);
    if (who.memberCode) return this.deps.members.findByCode(merchantId, who.memberCode);
    return null;
  }

  /** Does a code apply to this basket, and how much does it take off? Changes nothing. */
  async validate(
    merchantId: string,
    input: { code: string; memberId?: string; phone?: string; memberCode?: string; amount: number; items?: PurchaseItem[] },
  ): Promise<VoucherCheck & { code: string; message?: string }> {
    // An unknown memberId is an error whatever the code: it is checked first.
    const member = await this.resolve(merchantId, input);
    const code = normalizeVoucherCode(input.code);
    const found = code ? await this.deps.store.lookup(merchantId, code) : null;
    if (!found) return { ok: false, reason: 'unknown_code', code: input.code, message: REASON_MESSAGES.unknown_code };
    if (found.voucher) {
      if (found.voucher.status === 'redeemed' || found.voucher.status === 'void')
        return { ok: false, reason: 'already_redeemed', code: code!, message: REASON_MESSAGES.already_redeemed };
      if (found.voucher.memberId && member && found.voucher.memberId !== member.id)
        return { ok: false, reason: 'not_yours', code: code!, message: REASON_MESSAGES.not_yours };
    }
    const check = checkVoucher(found.campaign, { amount: input.amount, items: input.items, tier: member?.tier, at: this.clock.now() });
    return check.ok ? { ...check, code: code! } : { ...check, code: code!, message: REASON_MESSAGES[check.reason] };
  }

  /**
   * Records that an order used a code; idempotent on orderId (same content replays, other
   * content is 409). A single-use code redeemed once is refused afterwards, also when two
   * orders race for it.
   */
  async redeem(
    merchantId: string,
    input: {
      code: string;
      orderId: string;
      memberId?: string;
      phone?: string;
      memberCode?: string;
      amount: number;
      items?: PurchaseItem[];
    },
  ): Promise<RedemptionResult> {
    const code = normalizeVoucherCode(input.code);
    if (!code) throw invalid('invalid_code', 'Not a voucher code');
    const requestHash = contentHash({ ...input, code });
    const previous = await this.deps.store.redemptionFor(merchantId, input.orderId);
    if (previous) {
      if (previous.requestHash !== requestHash)
        throw conflict('redemption_conflict', `Order ${input.orderId} already redeemed a voucher with other content`);
    }
    const check = await this.validate(merchantId, input);
    if (previous)
      return {
        replayed: true,
        code: previous.code,
        orderId: input.orderId,
        discount: previous.discount,
        freeShipping: check.ok && check.freeShipping,
        giftItem: check.ok ? check.giftItem : null,
      };
    if (!check.ok) throw unprocessable(`voucher_${check.reason}`, check.message ?? 'This voucher does not apply', { reason: check.reason });
    const found = (await this.deps.store.lookup(merchantId, code))!;
    const member = await this.resolve(merchantId, input);
    const outcome = await this.deps.store.redeem({
      merchantId,
      campaign: found.campaign,
      voucherId: found.voucher?.id ?? null,
      code,
      memberId: member?.id ?? null,
      orderId: input.orderId,
      amount: input.amount,
      discount: check.discount,
      requestHash,
    });
    if (outcome === 'conflict')
      throw conflict('redemption_conflict', `Order ${input.orderId} already redeemed a voucher with other content`);
    if (outcome !== 'ok' && outcome !== 'replayed')
      throw unprocessable(`voucher_${outcome}`, REASON_MESSAGES[outcome] ?? 'Refused', { reason: outcome });
    return {
      replayed: outcome === 'replayed',
      code,
      orderId: input.orderId,
      discount: check.discount,
      freeShipping: check.freeShipping,
      giftItem: check.giftItem,
    };
  }

  /** A member pays coins for a fresh code of a campaign that offers it. */
  async exchange(merchantId: string, memberId: string, campaignId: string, idempotencyKey: string): Promise<string> {
    const campaign = await this.requireCampaign(merchantId, campaignId);
    if (!campaign.coinPrice || !campaign.active || campaign.sharedCode)
      throw unprocessable('not_exchangeable', 'This voucher cannot be bought with coins');
    if (campaign.validTo && campaign.validTo < this.clock.now()) throw unprocessable('voucher_expired', REASON_MESSAGES.expired!);
    const ledger = await this.deps.ledger.prepare({
      merchantId,
      memberId,
      idempotencyKey: `voucher-exchange:${idempotencyKey}`,
      requestHash: contentHash({ exchange: campaignId, memberId }),
      kind: 'voucher',
      actor: 'member',
      lines: [
        { mode: 'spend', currency: 'coins', amount: campaign.coinPrice, reason: 'voucher', refType: 'voucher_campaign', refId: campaignId },
      ],
      eventType: 'voucher.bought',
    });
    return this.deps.store.assign(merchantId, campaignId, memberId, 'exchange', ledger);
  }

  /** Gives a member a code (wheel prize, campaign reward). */
  async give(merchantId: string, campaignId: string, memberId: string, source: string): Promise<string> {
    const campaign = await this.requireCampaign(merchantId, campaignId);
    await requireOwnReferences(this.deps.references, merchantId, [{ kind: 'member', id: memberId, field: 'memberId' }]);
    if (campaign.sharedCode) return campaign.sharedCode;
    return this.deps.store.assign(merchantId, campaignId, memberId, source);
  }

  /** Gives a code once per source (a campaign reward retried after a crash gives the same code). */
  async giveOnce(merchantId: string, campaignId: string, memberId: string, source: string): Promise<string> {
    const campaign = await this.requireCampaign(merchantId, campaignId);
    await requireOwnReferences(this.deps.references, merchantId, [{ kind: 'member', id: memberId, field: 'memberId' }]);
    if (campaign.sharedCode) return campaign.sharedCode;
    return this.deps.store.assignOnce(merchantId, campaignId, memberId, source);
  }

  memberVouchers(merchantId: string, memberId: string) {
    return this.deps.store.memberVouchers(merchantId, memberId);
  }

  /** Campaigns a member can buy with coins now, cheapest first. */
  async exchangeable(merchantId: string): Promise<VoucherCampaign[]> {
    const now = this.clock.now();
    return (await this.deps.store.campaigns(merchantId))
      .filter((c) => c.active && c.coinPrice && !c.sharedCode && (!c.validTo || c.validTo > now))
      .sort((a, b) => a.coinPrice! - b.coinPrice!);
  }
}
