import type pg from 'pg';
import type { Balances } from '../../domain/ledger/types.js';
import type { ChannelName } from '../../domain/members/types.js';
import type { GrantOutcome, ReferralStore, RewardRequest, StoredReward } from '../../domain/referrals/types.js';

function balances(rows: { currency: string; total: string }[]): Balances {
  const out = { points: 0, coins: 0, credit: 0 };
  for (const r of rows) out[r.currency as keyof Balances] = Number(r.total);
  return out;
}

export class PgReferralStore implements ReferralStore {
  constructor(private readonly pool: pg.Pool) {}

  async recordInvite(merchantId: string, referrerId: string, channel: ChannelName, openerId: string) {
    await this.pool.query(
      `INSERT INTO referral_invites (merchant_id, referrer_id, channel, opener_id) VALUES ($1, $2, $3::channel, $4)
       ON CONFLICT (referrer_id, channel, opener_id) DO NOTHING`,
      [merchantId, referrerId, channel, openerId],
    );
  }

  async grant(r: RewardRequest): Promise<GrantOutcome> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One referrer's rewards are decided one at a time: the caps hold exactly under any load.
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('referral:' || $1, 0))", [r.referrerId]);
      const existing = await client.query(
        'SELECT id, status, currency, amount FROM referral_rewards WHERE friend_id = $1 AND trigger = $2::referral_trigger AND beneficiary = $3::referral_beneficiary',
        [r.friendId, r.trigger, r.beneficiary],
      );
      if (existing.rows[0]) {
        await client.query('COMMIT');
        const e = existing.rows[0];
        return { status: 'existing', id: e.id, reversed: e.status === 'reversed', currency: e.currency, amount: Number(e.amount) };
      }
      if (r.caps?.perDay || r.caps?.total) {
        const { rows } = await client.query(
          `SELECT count(*) FILTER (WHERE day = $2::date)::int AS today, count(*)::int AS total
           FROM referral_rewards WHERE referrer_id = $1 AND beneficiary = 'referrer' AND status = 'granted'`,
          [r.referrerId, r.day],
        );
        const { today, total } = rows[0];
        const cap = r.caps.perDay && today >= r.caps.perDay ? 'per_day' : r.caps.total && total >= r.caps.total ? 'total' : null;
        if (cap) {
          await client.query('COMMIT');
          return { status: 'capped', cap };
        }
      }
      const { rows } = await client.query(
        `INSERT INTO referral_rewards (id, merchant_id, referrer_id, friend_id, trigger, beneficiary, currency, amount, order_id, day)
         VALUES (gen_random_uuid(), $1, $2, $3, $4::referral_trigger, $5::referral_beneficiary, $6::currency, $7, $8, $9::date) RETURNING id`,
        [r.merchantId, r.referrerId, r.friendId, r.trigger, r.beneficiary, r.currency, r.amount, r.orderId ?? null, r.day],
      );
      await client.query('COMMIT');
      return { status: 'granted', id: rows[0].id };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async rewardsForOrder(merchantId: string, friendId: string, orderId: string): Promise<StoredReward[]> {
    const { rows } = await this.pool.query(
      `SELECT id, beneficiary, referrer_id, friend_id, currency, amount, status FROM referral_rewards
       WHERE merchant_id = $1 AND friend_id = $2 AND order_id = $3 AND trigger = 'first_purchase'`,
      [merchantId, friendId, orderId],
    );
    return rows.map((r) => ({
      id: r.id,
      beneficiary: r.beneficiary,
      referrerId: r.referrer_id,
      friendId: r.friend_id,
      currency: r.currency,
      amount: Number(r.amount),
      status: r.status,
    }));
  }

  async markReversed(rewardId: string) {
    await this.pool.query("UPDATE referral_rewards SET status = 'reversed', reversed_at = now() WHERE id = $1 AND status = 'granted'", [
      rewardId,
    ]);
  }

  async figures(merchantId: string, memberId: string, monthFrom: Date, monthTo: Date) {
    const [counts, rewards, rank] = await Promise.all([
      this.pool.query(
        `SELECT count(*) FILTER (WHERE status <> 'pending')::int AS joined, count(*) FILTER (WHERE first_purchase_at IS NOT NULL)::int AS bought
         FROM members WHERE merchant_id = $1 AND referrer_id = $2`,
        [merchantId, memberId],
      ),
      this.pool.query(
        `SELECT currency, sum(amount)::text AS total FROM referral_rewards
         WHERE merchant_id = $1 AND referrer_id = $2 AND beneficiary = 'referrer' AND status = 'granted' GROUP BY currency`,
        [merchantId, memberId],
      ),
      this.pool.query(
        `WITH board AS (
           SELECT referrer_id, count(*) AS friends FROM members
           WHERE merchant_id = $1 AND referrer_id IS NOT NULL AND joined_at >= $3 AND joined_at < $4 GROUP BY referrer_id)
         SELECT (SELECT count(*) FROM board b2 WHERE b2.friends > b.friends)::int + 1 AS rank FROM board b WHERE referrer_id = $2`,
        [merchantId, memberId, monthFrom, monthTo],
      ),
    ]);
    return {
      friendsJoined: counts.rows[0].joined,
      friendsBought: counts.rows[0].bought,
      rewards: balances(rewards.rows),
      monthRank: rank.rows[0]?.rank ?? null,
    };
  }

  async leaderboard(merchantId: string, from: Date, to: Date, limit: number) {
    const { rows } = await this.pool.query(
      `SELECT r.id, r.first_name, r.last_name, count(*)::int AS friends
       FROM members f JOIN members r ON r.id = f.referrer_id
       WHERE f.merchant_id = $1 AND f.joined_at >= $2 AND f.joined_at < $3
       GROUP BY r.id ORDER BY friends DESC, min(f.joined_at) ASC LIMIT $4`,
      [merchantId, from, to, limit],
    );
    return rows.map((r) => ({ memberId: r.id, firstName: r.first_name, lastName: r.last_name, friends: r.friends }));
  }

  async friends(merchantId: string, memberId: string) {
    const { rows } = await this.pool.query(
      `SELECT f.id, f.first_name, f.last_name, f.status, f.joined_at, f.first_purchase_at,
              coalesce(json_agg(json_build_object('trigger', w.trigger, 'beneficiary', w.beneficiary, 'currency', w.currency, 'amount', w.amount, 'status', w.status)
                                ORDER BY w.created_at) FILTER (WHERE w.id IS NOT NULL), '[]') AS rewards
       FROM members f LEFT JOIN referral_rewards w ON w.friend_id = f.id
       WHERE f.merchant_id = $1 AND f.referrer_id = $2
       GROUP BY f.id ORDER BY f.joined_at DESC NULLS LAST LIMIT 500`,
      [merchantId, memberId],
    );
    return rows.map((r) => ({
      memberId: r.id,
      firstName: r.first_name,
      lastName: r.last_name,
      status: r.status,
      joinedAt: r.joined_at,
      firstPurchaseAt: r.first_purchase_at,
      rewards: (r.rewards as { trigger: never; beneficiary: never; currency: never; amount: number | string; status: string }[]).map(
        (w) => ({ ...w, amount: Number(w.amount) }),
      ),
    }));
  }

  async stats(merchantId: string, from: Date, to: Date, opts: { bySource?: boolean } = {}) {
    const [main, rewards, bySource] = await Promise.all([
      this.pool.query(
        `SELECT
           (SELECT count(*) FROM referral_invites WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3)::int AS invitations,
           (SELECT count(*) FROM members WHERE merchant_id = $1 AND referrer_id IS NOT NULL AND joined_at >= $2 AND joined_at < $3)::int AS joins,
           (SELECT count(*) FROM members WHERE merchant_id = $1 AND referrer_id IS NOT NULL AND first_purchase_at >= $2 AND first_purchase_at < $3)::int AS first_purchases,
           (SELECT count(*) FROM members WHERE merchant_id = $1 AND status = 'active' AND joined_at < $3)::int AS members`,
        [merchantId, from, to],
      ),
      this.pool.query(
        `SELECT currency, sum(amount)::text AS total FROM referral_rewards
         WHERE merchant_id = $1 AND status = 'granted' AND created_at >= $2 AND created_at < $3 GROUP BY currency`,
        [merchantId, from, to],
      ),
      opts.bySource === false
        ? { rows: [] }
        : this.pool.query(
            `WITH pop AS (SELECT source_tag, count(*)::int AS members FROM members WHERE merchant_id = $1 AND status = 'active' AND joined_at < $3 GROUP BY source_tag),
              inv AS (SELECT r.source_tag, count(*)::int AS invitations FROM referral_invites i JOIN members r ON r.id = i.referrer_id
                      WHERE i.merchant_id = $1 AND i.created_at >= $2 AND i.created_at < $3 GROUP BY r.source_tag),
              j AS (SELECT r.source_tag, count(*)::int AS joins FROM members f JOIN members r ON r.id = f.referrer_id
                    WHERE f.merchant_id = $1 AND f.joined_at >= $2 AND f.joined_at < $3 GROUP BY r.source_tag)
         SELECT pop.source_tag AS source, pop.members, coalesce(inv.invitations, 0) AS invitations, coalesce(j.joins, 0) AS joins
         FROM pop LEFT JOIN inv ON inv.source_tag IS NOT DISTINCT FROM pop.source_tag LEFT JOIN j ON j.source_tag IS NOT DISTINCT FROM pop.source_tag
         ORDER BY pop.members DESC`,
            [merchantId, from, to],
          ),
    ]);
    const m = main.rows[0];
    return {
      invitations: m.invitations,
      joins: m.joins,
      firstPurchases: m.first_purchases,
      members: m.members,
      rewardsPaid: balances(rewards.rows),
      bySource: bySource.rows.map((r) => ({ source: r.source, invitations: r.invitations, joins: r.joins, members: r.members })),
    };
  }

  async setReferrer(merchantId: string, memberId: string, referrerId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE members SET referrer_id = $3, updated_at = now() WHERE id = $2 AND merchant_id = $1 AND referrer_id IS NULL AND id <> $3',
      [merchantId, memberId, referrerId],
    );
    return (rowCount ?? 0) > 0;
  }
}
