import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '../clock.js';
import { invalid, notFound } from '../errors.js';
import { tehranDay } from '../../lib/jalali.js';
import type { EarningRule } from '../rules/settings.js';
import { parseInput } from '../validation.js';
import { requireOwnReferences, type Reference, type ReferenceStore } from '../references.js';
import type { Broadcast, BroadcastService, DeliveryCounts } from './broadcast-service.js';
import { campaignInputSchema, type CampaignMessage, type CampaignReward } from './campaign-schemas.js';
import { parseSegment, segmentToJson, type Segment, type SegmentCounter } from './segments.js';

export interface Campaign {
  id: string;
  merchantId: string;
  kind: 'message' | 'reward' | 'multiplier';
  name: string;
  segment: Record<string, unknown>;
  message: CampaignMessage | null;
  reward: CampaignReward | null;
  rule: Omit<EarningRule, 'id' | 'enabled'> | null;
  startsAt: Date | null;
  endsAt: Date | null;
  holdoutPercent: number;
  attributionDays: number;
  createdBy: string;
  createdAt: Date;
}

/** Recipients vs the held-out group, over the attribution window after the send. */
export interface CampaignOutcome {
  members: number;
  buyers: number;
  purchases: number;
  revenue: number;
  conversion: number;
  revenuePerMember: number;
}

export interface CampaignKpis {
  campaign: Campaign;
  broadcast: Broadcast | null;
  deliveries: DeliveryCounts | null;
  clicks: number;
  recipients: CampaignOutcome;
  holdout: CampaignOutcome;
  /** Conversion of recipients minus conversion of the holdout, in percentage points. */
  liftPoints: number | null;
}

export interface CampaignStore {
  create(merchantId: string, c: Omit<Campaign, 'id' | 'merchantId' | 'createdAt'>): Promise<Campaign>;
  get(merchantId: string, id: string): Promise<Campaign | null>;
  list(merchantId: string, limit: number): Promise<Campaign[]>;
  activeRules(merchantId: string, at: Date): Promise<Campaign[]>;
  recordClick(merchantId: string, campaignId: string, memberId: string): Promise<boolean>;
  kpis(campaign: Campaign, broadcast: Broadcast | null): Promise<{ clicks: number; recipients: CampaignOutcome; holdout: CampaignOutcome }>;
}

const RULE_CACHE_MS = 5_000;

/**
 * Campaigns: a message or a reward to a segment (sent as a broadcast, with an optional holdout
 * to measure lift), or a time-boxed earning rule (double points on Fridays, a category promo)
 * that purchases pick up while it runs.
 */
export class CampaignService {
  private readonly ruleCache = new LRUCache<string, EarningRule[]>({ max: 10_000, ttl: RULE_CACHE_MS });

  constructor(
    private readonly deps: {
      store: CampaignStore;
      broadcasts: BroadcastService;
      segments: SegmentCounter;
      references: ReferenceStore;
      clock?: Clock;
    },
  ) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  async countSegment(
    merchantId: string,
    segmentInput: unknown,
  ): Promise<{ members: number; telegram: number; bale: number; whatsapp: number; reachable: number }> {
    return this.deps.segments.count(merchantId, parseSegment(segmentInput), this.clock.now());
  }

  /** Creates the campaign; message and reward campaigns get their broadcast (now or at scheduleAt). */
  async create(
    merchantId: string,
    input: unknown,
    createdBy: string,
  ): Promise<{ campaign: Campaign; broadcast: Broadcast | null; recipients: number }> {
    const c = parseInput(campaignInputSchema, input, 'invalid_campaign', 'campaign');
    if (c.kind === 'multiplier') {
      if (c.endsAt <= c.startsAt) throw invalid('invalid_campaign', 'endsAt must be after startsAt');
      const campaign = await this.deps.store.create(merchantId, {
        kind: 'multiplier',
        name: c.name,
        segment: {},
        message: null,
        reward: null,
        rule: c.rule,
        startsAt: c.startsAt,
        endsAt: c.endsAt,
        holdoutPercent: 0,
        attributionDays: 7,
        createdBy,
      });
      this.ruleCache.delete(merchantId);
      return { campaign, broadcast: null, recipients: 0 };
    }
    const refs: Reference[] = [];
    if (c.message.surveyId) refs.push({ kind: 'survey', id: c.message.surveyId, field: 'message.surveyId' });
    if (c.kind === 'reward' && 'voucherCampaignId' in c.reward)
      refs.push({ kind: 'voucher_campaign', id: c.reward.voucherCampaignId, field: 'reward.voucherCampaignId' });
    await requireOwnReferences(this.deps.references, merchantId, refs);
    const segment: Segment = parseSegment(c.segment);
    const count = await this.deps.segments.count(merchantId, segment, this.clock.now());
    const campaign = await this.deps.store.create(merchantId, {
      kind: c.kind,
      name: c.name,
      segment: segmentToJson(segment),
      message: c.message,
      reward: c.kind === 'reward' ? c.reward : null,
      rule: null,
      startsAt: c.scheduleAt ?? null,
      endsAt: null,
      holdoutPercent: c.holdoutPercent,
      attributionDays: c.attributionDays,
      createdBy,
    });
    const broadcast = await this.deps.broadcasts.create(merchantId, campaign.id, c.scheduleAt ?? null, createdBy);
    return { campaign, broadcast, recipients: count.reachable };
  }

  async get(merchantId: string, id: string): Promise<Campaign> {
    const c = await this.deps.store.get(merchantId, id);
    if (!c) throw notFound('campaign_not_found', 'No campaign with this id');
    return c;
  }

  list(merchantId: string, limit = 50) {
    return this.deps.store.list(merchantId, limit);
  }

  /** Earning rules of the multiplier campaigns running now (cached for a few seconds). */
  async activeRules(merchantId: string): Promise<EarningRule[]> {
    const hit = this.ruleCache.get(merchantId);
    if (hit) return hit;
    const now = this.clock.now();
    const rules = (await this.deps.store.activeRules(merchantId, now)).map((c) => ({
      id: `campaign-${c.id.slice(0, 8)}`,
      enabled: true,
      ...c.rule!,
      name: c.rule!.name ?? c.name,
      when: { ...c.rule!.when, dates: { from: tehranDay(c.startsAt!), to: tehranDay(c.endsAt!) } },
    })) as EarningRule[];
    this.ruleCache.set(merchantId, rules);
    return rules;
  }

  recordClick(merchantId: string, campaignId: string, memberId: string) {
    return this.deps.store.recordClick(merchantId, campaignId, memberId);
  }

  async kpis(merchantId: string, id: string, broadcast: Broadcast | null, deliveries: DeliveryCounts | null): Promise<CampaignKpis> {
    const campaign = await this.get(merchantId, id);
    const k = await this.deps.store.kpis(campaign, broadcast);
    const liftPoints =
      k.holdout.members > 0 && k.recipients.members > 0
        ? Math.round((k.recipients.conversion - k.holdout.conversion) * 10_000) / 100
        : null;
    return { campaign, broadcast, deliveries, ...k, liftPoints };
  }
}
