import type pg from 'pg';
import type { Broadcast } from '../../domain/campaigns/broadcast-service.js';
import type { Campaign, CampaignOutcome, CampaignStore } from '../../domain/campaigns/campaign-service.js';
import type { Segment, SegmentCounter } from '../../domain/campaigns/segments.js';
import { isUuid } from './merchant-store.js';
import { reachableOn, segmentWhere } from './segment-sql.js';

const COLUMNS =
  'id, merchant_id, kind, name, segment, message, reward, rule, starts_at, ends_at, holdout_percent, attribution_days, created_by, created_at';

function toCampaign(r: Record<string, unknown>): Campaign {
  return {
    id: r.id as string,
    merchantId: r.merchant_id as string,
    kind: r.kind as Campaign['kind'],
    name: r.name as string,
    segment: r.segment as Record<string, unknown>,
    message: r.message as Campaign['message'],
    reward: r.reward as Campaign['reward'],
    rule: r.rule as Campaign['rule'],
    startsAt: r.starts_at as Date | null,
    endsAt: r.ends_at as Date | null,
    holdoutPercent: r.holdout_percent as number,
    attributionDays: r.attribution_days as number,
    createdBy: r.created_by as string,
    createdAt: r.created_at as Date,
  };
}

function outcome(r: Record<string, unknown> | undefined): CampaignOutcome {
  const members = Number(r?.members ?? 0);
  const buyers = Number(r?.buyers ?? 0);
  const revenue = Number(r?.revenue ?? 0);
  return {
    members,
    buyers,
    purchases: Number(r?.purchases ?? 0),
    revenue,
    conversion: members ? buyers / members : 0,
    revenuePerMember: members ? Math.round(revenue / members) : 0,
  };
}

export class PgCampaignStore implements CampaignStore, SegmentCounter {
  constructor(private readonly pool: pg.Pool) {}

  async create(merchantId: string, c: Parameters<CampaignStore['create']>[1]) {
    const { rows } = await this.pool.query(
      `INSERT INTO campaigns (id, merchant_id, kind, name, segment, message, reward, rule, starts_at, ends_at, holdout_percent, attribution_days, created_by)
       VALUES (gen_random_uuid(), $1, $2::campaign_kind, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
      [
        merchantId,
        c.kind,
        c.name,
        JSON.stringify(c.segment),
        c.message && JSON.stringify(c.message),
        c.reward && JSON.stringify(c.reward),
        c.rule && JSON.stringify(c.rule),
        c.startsAt,
        c.endsAt,
        c.holdoutPercent,
        c.attributionDays,
        c.createdBy,
      ],
    );
    return toCampaign(rows[0]);
  }

  async get(merchantId: string, id: string) {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM campaigns WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
    return rows[0] ? toCampaign(rows[0]) : null;
  }

  async list(merchantId: string, limit: number) {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM campaigns WHERE merchant_id = $1 ORDER BY created_at DESC LIMIT $2`, [
      merchantId,
      limit,
    ]);
    return rows.map(toCampaign);
  }

  async activeRules(merchantId: string, at: Date) {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM campaigns WHERE merchant_id = $1 AND kind = 'multiplier' AND starts_at <= $2 AND ends_at >= $2`,
      [merchantId, at],
    );
    return rows.map(toCampaign);
  }

  async recordClick(merchantId: string, campaignId: string, memberId: string) {
    const { rowCount } = await this.pool.query(
      'INSERT INTO campaign_clicks (campaign_id, member_id) SELECT id, $3 FROM campaigns WHERE merchant_id = $1 AND id = $2 ON CONFLICT DO NOTHING',
      [merchantId, campaignId, memberId],
    );
    return (rowCount ?? 0) > 0;
  }

  async kpis(campaign: Campaign, broadcast: Broadcast | null) {
    const clicks = await this.pool.query('SELECT count(*)::int AS n FROM campaign_clicks WHERE campaign_id = $1', [campaign.id]);
    if (!broadcast?.startedAt) return { clicks: clicks.rows[0].n as number, recipients: outcome(undefined), holdout: outcome(undefined) };
    // Purchases by each group from the send to the end of the attribution window.
    const { rows } = await this.pool.query(
      `SELECT CASE WHEN d.state = 'held_out' THEN 'holdout' ELSE 'recipients' END AS grp,
              count(DISTINCT d.member_id)::int AS members,
              count(DISTINCT p.member_id)::int AS buyers,
              count(p.id)::int AS purchases,
              coalesce(sum(p.amount - p.refunded_amount), 0)::text AS revenue
       FROM broadcast_deliveries d
       LEFT JOIN purchases p ON p.member_id = d.member_id AND p.occurred_at >= $2 AND p.occurred_at < $3
       WHERE d.broadcast_id = $1 AND d.state IN ('sent', 'held_out')
       GROUP BY 1`,
      [broadcast.id, broadcast.startedAt, new Date(broadcast.startedAt.getTime() + campaign.attributionDays * 86_400_000)],
    );
    const by = Object.fromEntries(rows.map((r) => [r.grp, r]));
    return { clicks: clicks.rows[0].n as number, recipients: outcome(by.recipients), holdout: outcome(by.holdout) };
  }

  async count(merchantId: string, segment: Segment, at: Date) {
    const { sql, params } = segmentWhere(segment, at);
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS members,
              count(*) FILTER (WHERE ${reachableOn('telegram')})::int AS telegram,
              count(*) FILTER (WHERE ${reachableOn('bale')})::int AS bale,
              count(*) FILTER (WHERE ${reachableOn('whatsapp')})::int AS whatsapp,
              count(*) FILTER (WHERE ${reachableOn('telegram')} OR ${reachableOn('bale')} OR ${reachableOn('whatsapp')})::int AS reachable
       FROM members m WHERE ${sql}`,
      [merchantId, ...params],
    );
    return rows[0] as { members: number; telegram: number; bale: number; whatsapp: number; reachable: number };
  }
}
