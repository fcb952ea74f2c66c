import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/http.js';

let t: TestApi;

beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

/**
 * Aban 1405 (2026-10-23 … 2026-11-21). Six members from before (A and two others from
 * instagram, B and two others untagged); A sends 5 invitations and B 3 in the month (plus two
 * outside it); 2 of A's and 2 of B's friends join in the month, and 2 of those 4 buy.
 *   members at the end 10, invitations 8, joins 4, first purchases 2
 *   invitations per member 0.8 × invite→join 0.5 = K 0.4; join→purchase 0.5
 *   instagram: 5/3 × 2/5 ≈ 0.6667; untagged: 3/7 × 2/3 ≈ 0.2857
 */
async function seed(merchantId: string) {
  const q = (sql: string, params: unknown[]) => t.w.db.pool.query(sql, params);
  let n = 0;
  const member = async (
    source: string | null,
    joinedAt: string,
    referrerId: string | null = null,
    firstPurchaseAt: string | null = null,
  ) => {
    n++;
    const { rows } = await q(
      `INSERT INTO members (id, merchant_id, phone, member_code, referral_code, tier, status, source_tag, joined_at, referrer_id, first_purchase_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, 'bronze', 'active', $5, $6, $7, $8) RETURNING id`,
      [
        merchantId,
        `+9891700000${String(n).padStart(2, '0')}`,
        `K${String(n).padStart(6, '2')}`,
        `R${String(n).padStart(5, '2')}`,
        source,
        joinedAt,
        referrerId,
        firstPurchaseAt,
      ],
    );
    return rows[0].id as string;
  };
  const before = '2026-09-15T10:00:00+03:30';
  const a = await member('instagram', before);
  await member('instagram', before);
  await member('instagram', before);
  const b = await member(null, before);
  await member(null, before);
  await member(null, before);
  const invite = (referrerId: string, at: string, opener: string) =>
    q("INSERT INTO referral_invites (merchant_id, referrer_id, channel, opener_id, created_at) VALUES ($1, $2, 'telegram', $3, $4)", [
      merchantId,
      referrerId,
      opener,
      at,
    ]);
  for (let i = 0; i < 5; i++) await invite(a, `2026-10-${25 + i}T12:00:00+03:30`, `a${i}`);
  for (let i = 0; i < 3; i++) await invite(b, `2026-11-0${1 + i}T12:00:00+03:30`, `b${i}`);
  await invite(a, '2026-10-22T23:00:00+03:30', 'early'); // 30 Mehr: before the month
  await invite(b, '2026-11-22T00:30:00+03:30', 'late'); // 1 Azar: after it
  await member(null, '2026-10-26T09:00:00+03:30', a, '2026-10-27T09:00:00+03:30');
  await member(null, '2026-11-20T09:00:00+03:30', a);
  await member(null, '2026-11-02T09:00:00+03:30', b, '2026-11-21T23:00:00+03:30');
  await member(null, '2026-11-21T23:59:00+03:30', b);
}

describe('referral statistics', () => {
  it('counts the month’s invitations, joins and first purchases, and computes the K-factor by hand', async () => {
    await seed(t.merchant.id);
    const res = await t.api('GET', `/v1/referrals/stats?from=${encodeURIComponent('1405/08/01')}&to=${encodeURIComponent('1405/08/30')}`);
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({
      from: '2026-10-23',
      to: '2026-11-21',
      invitations: 8,
      joins: 4,
      firstPurchases: 2,
      members: 10,
      invitationsPerMember: 0.8,
      inviteToJoin: 0.5,
      joinToPurchase: 0.5,
      kFactor: 0.4,
    });
    const bySource = Object.fromEntries(s.bySource.map((r: { source: string | null; kFactor: number }) => [r.source ?? 'none', r]));
    expect(bySource.instagram).toMatchObject({ members: 3, invitations: 5, joins: 2, kFactor: 0.6667 });
    expect(bySource.none).toMatchObject({ members: 7, invitations: 3, joins: 2, kFactor: 0.2857 });
  });

  it('refuses a bad range', async () => {
    expect((await t.api('GET', '/v1/referrals/stats?from=1405/13/01')).statusCode).toBe(400);
    expect((await t.api('GET', '/v1/referrals/stats?from=2026-11-02&to=2026-11-01')).json().error.code).toBe('invalid_range');
  });
});
