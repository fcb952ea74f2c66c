import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let m: string;
beforeAll(async () => {
  w = await createTestWorld();
  m = await w.newMerchant();
  // The club is on both channels: members are reachable where they have a chat.
  await w.services.merchants.setTelegramToken(m, '123456789:AAsegments-test-token-0000000');
  await w.services.merchants.setWhatsAppNumber(m, '+989000000002');
  await seed();
});
afterAll(() => w.close());

/**
 * Ten members, "now" = Monday 2026-11-23 (2 Azar 1405) in Tehran. The Iranian week runs
 * Saturday 21 Nov – Friday 27 Nov; Azar runs 22 Nov – 21 Dec.
 */
async function seed() {
  let n = 0;
  const add = async (f: {
    tier?: string;
    tags?: string[];
    source?: string;
    joined?: string;
    lastPurchase?: string;
    total?: number;
    points?: number;
    birth?: string;
    optedOut?: boolean;
    status?: string;
    telegram?: boolean;
    whatsapp?: boolean;
  }) => {
    n++;
    const { rows } = await w.db.pool.query(
      `INSERT INTO members (id, merchant_id, phone, member_code, referral_code, tier, status, tags, source_tag, joined_at, last_purchase_at, purchase_total, points, birth_date, opted_out)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::member_status, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
      [
        m,
        `+98915000${String(n).padStart(4, '0')}`,
        `S${String(n).padStart(6, '3')}`,
        `Q${String(n).padStart(5, '3')}`,
        f.tier ?? 'bronze',
        f.status ?? 'active',
        f.tags ?? [],
        f.source ?? null,
        f.joined ?? '2026-10-01T10:00:00+03:30',
        f.lastPurchase ?? null,
        f.total ?? 0,
        f.points ?? 0,
        f.birth ?? null,
        f.optedOut ?? false,
      ],
    );
    if (f.telegram !== false)
      await w.db.pool.query(
        "INSERT INTO channel_identities (id, merchant_id, member_id, channel, external_user_id, chat_id) VALUES (gen_random_uuid(), $1, $2, 'telegram', $3, $3)",
        [m, rows[0].id, String(70_000 + n)],
      );
    if (f.whatsapp)
      await w.db.pool.query(
        "INSERT INTO channel_identities (id, merchant_id, member_id, channel, external_user_id, chat_id) VALUES (gen_random_uuid(), $1, $2, 'whatsapp', $3, $3)",
        [m, rows[0].id, `98915000${n}@c.us`],
      );
  };
  await add({
    tier: 'gold',
    tags: ['vip'],
    total: 9_000_000,
    points: 2500,
    lastPurchase: '2026-11-20T12:00:00+03:30',
    birth: '1990-11-21',
  }); // 1
  await add({
    tier: 'silver',
    tags: ['vip', 'coffee'],
    total: 3_000_000,
    points: 800,
    lastPurchase: '2026-08-01T12:00:00+03:30',
    birth: '1985-12-10',
  }); // 2
  await add({
    tier: 'bronze',
    tags: ['coffee'],
    source: 'instagram',
    total: 500_000,
    points: 60,
    lastPurchase: '2026-09-15T12:00:00+03:30',
    birth: '2000-11-25',
  }); // 3
  await add({ tier: 'bronze', source: 'instagram', joined: '2026-11-22T00:10:00+03:30', birth: '1970-06-01' }); // 4: joined on 1 Azar, never bought
  await add({ tier: 'bronze', source: 'poster', joined: '2026-11-21T23:50:00+03:30', whatsapp: true, telegram: false }); // 5: 30 Aban, WhatsApp only
  await add({ tier: 'gold', total: 12_000_000, points: 5000, lastPurchase: '2026-11-22T09:00:00+03:30', whatsapp: true }); // 6: both channels
  await add({ tier: 'silver', tags: ['vip'], optedOut: true, total: 4_000_000, birth: '1999-11-23' }); // 7: opted out
  await add({ tier: 'gold', status: 'pending', total: 7_000_000 }); // 8: not joined
  await add({ tier: 'bronze', total: 100_000, points: 10, lastPurchase: '2026-05-01T12:00:00+03:30' }); // 9
  await add({
    tier: 'silver',
    tags: ['coffee'],
    total: 1_500_000,
    points: 300,
    lastPurchase: '2026-11-01T12:00:00+03:30',
    birth: '1992-12-21',
  }); // 10
}

const count = async (segment: object) => (await w.services.campaigns.countSegment(m, segment)).members;

describe('segments', () => {
  it('count only active members who did not opt out', async () => {
    expect(await w.services.campaigns.countSegment(m, {})).toEqual({ members: 8, telegram: 7, bale: 0, whatsapp: 2, reachable: 8 });
  });

  it('tier, tags (any), source tag', async () => {
    expect(await count({ tiers: ['gold'] })).toBe(2);
    expect(await count({ tiers: ['gold', 'silver'] })).toBe(4);
    expect(await count({ tags: ['vip'] })).toBe(2);
    expect(await count({ tags: ['vip', 'coffee'] })).toBe(4);
    expect(await count({ sourceTags: ['instagram'] })).toBe(2);
    expect(await count({ tags: ['coffee'], tiers: ['bronze'] })).toBe(1);
  });

  it('joined between Jalali days (whole Tehran days)', async () => {
    expect(await count({ joinedFrom: '1405/09/01' })).toBe(1); // only #4, who joined 10 past midnight on 1 Azar
    expect(await count({ joinedFrom: '۱۴۰۵/۰۸/۳۰', joinedTo: '1405/08/30' })).toBe(1); // #5
    expect(await count({ joinedTo: '2026-11-20' })).toBe(6);
  });

  it('win-back: last purchase before a day, or nothing for N days (members who never bought are not included)', async () => {
    expect(await count({ lastPurchaseBefore: '1405/07/01' })).toBe(3); // #2 (Mordad), #3 (Shahrivar), #9
    expect(await count({ inactiveDays: 60 })).toBe(3);
    expect(await count({ inactiveDays: 10 })).toBe(4); // + #10 (1 Nov)
    expect(await count({ lastPurchaseAfter: '2026-11-19' })).toBe(2); // #1, #6
  });

  it('total spend and points balance', async () => {
    expect(await count({ minSpend: 3_000_000 })).toBe(3);
    expect(await count({ minSpend: 1_000_000, maxSpend: 5_000_000 })).toBe(2);
    expect(await count({ minPoints: 500 })).toBe(3);
    expect(await count({ maxPoints: 100 })).toBe(4); // #3, #4, #5, #9
  });

  it('birthday this Jalali week (Saturday–Friday) and this Jalali month', async () => {
    expect(await count({ birthday: 'week' })).toBe(2); // #1 (21 Nov = 30 Aban, Saturday), #3 (25 Nov)
    expect(await count({ birthday: 'month' })).toBe(3); // #2 (10 Dec), #3, #10 (21 Dec = 30 Azar)
  });

  it('channel: reachable in Telegram or WhatsApp', async () => {
    expect(await count({ channel: 'whatsapp' })).toBe(2);
    expect(await count({ channel: 'telegram' })).toBe(7);
    await w.db.pool.query(
      "UPDATE channel_identities SET unreachable_at = now() WHERE merchant_id = $1 AND channel = 'telegram' AND external_user_id = '70001'",
      [m],
    );
    expect(await count({ channel: 'telegram' })).toBe(6);
  });

  it('a bad segment names the field', async () => {
    const err = await w.services.campaigns.countSegment(m, { tier: ['gold'] }).catch((e) => e);
    expect(err).toMatchObject({ code: 'invalid_segment' });
    const bad = await w.services.campaigns.countSegment(m, { joinedFrom: '1405/13/01' }).catch((e) => e);
    expect(bad.details.issues[0].field).toBe('joinedFrom');
  });
});
