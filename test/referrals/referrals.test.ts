import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/chat/i18n.js';
import { notificationScreen } from '../../src/chat/screens/notification-screens.js';
import { referralEvents, staffEvents } from '../../src/jobs/handlers.js';
import { drainEvents } from '../helpers/events.js';
import { createTestWorld, ledgerSums, newPhone, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
const DAY = 86_400_000;

beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(() => w.close());

const settings = {
  referrals: {
    onJoin: { referrer: { currency: 'coins', amount: 20 }, friend: { currency: 'coins', amount: 10 } },
    onFirstPurchase: {
      minAmount: 200_000,
      referrer: { currency: 'points', amount: 50 },
      friend: { currency: 'credit', amount: 5_000, expiresInDays: 30 },
    },
    limits: { referrerRewardsPerDay: 5, referrerRewardsTotal: 8 },
  },
};

let tg = 10_000;
async function join(merchantId: string, referrerId?: string, phone = newPhone()) {
  tg++;
  return (await w.services.members.register({ merchantId, phone, channel: 'telegram', externalUserId: String(tg), referrerId })).member;
}
const drain = () => drainEvents(w.db, [referralEvents(w.services.referrals), staffEvents(w.services.staff)]);
const balances = async (id: string) => (await storedBalances(w.db, id)).balances;

describe('referral rewards', () => {
  it('a friend who joins rewards both sides; their first purchase above the minimum rewards again', async () => {
    const m = await w.newMerchant(settings);
    const referrer = await join(m);
    const friend = await join(m, referrer.id);
    await drain();
    expect(await balances(referrer.id)).toMatchObject({ coins: 20 });
    expect(await balances(friend.id)).toMatchObject({ coins: 10 });

    await w.services.purchases.record(m, { orderId: 'r-small', phone: friend.phone, amount: 100_000 }, 'api');
    await drain();
    expect((await balances(referrer.id)).points).toBe(0); // below the minimum: the first purchase was this one

    const other = await join(m, referrer.id);
    await w.services.purchases.record(m, { orderId: 'r-big', phone: other.phone, amount: 500_000 }, 'api');
    await w.services.purchases.record(m, { orderId: 'r-big-2', phone: other.phone, amount: 500_000 }, 'api');
    await drain();
    expect((await balances(referrer.id)).points).toBe(50);
    expect((await balances(other.id)).credit).toBe(5_000);
    const entries = await w.db.pool.query("SELECT reason, amount FROM ledger_entries WHERE member_id = $1 AND reason = 'referral'", [
      referrer.id,
    ]);
    expect(entries.rows.map((r) => Number(r.amount)).sort()).toEqual([20, 20, 50].sort());
    expect(await ledgerSums(w.db, referrer.id)).toEqual(await balances(referrer.id));
  });

  it('a pending member who already bought is not new: no join reward, but the first purchase still counts later', async () => {
    const m = await w.newMerchant(settings);
    const referrer = await join(m);
    const phone = newPhone();
    await w.services.purchases.record(m, { orderId: 'p-before', phone, amount: 300_000 }, 'api');
    const friend = await join(m, referrer.id, phone);
    await drain();
    expect(friend.referrerId).toBe(referrer.id);
    expect((await balances(referrer.id)).coins).toBe(0);
    // Their first purchase was before they were referred: nothing for it either.
    await w.services.purchases.record(m, { orderId: 'p-after', phone, amount: 300_000 }, 'api');
    await drain();
    expect((await balances(referrer.id)).points).toBe(0);
  });

  it('a full refund of the first purchase takes the first-purchase rewards back; a partial one does not', async () => {
    const m = await w.newMerchant(settings);
    const referrer = await join(m);
    const friend = await join(m, referrer.id);
    await w.services.purchases.record(m, { orderId: 'f-1', phone: friend.phone, amount: 400_000 }, 'api');
    await drain();
    expect((await balances(referrer.id)).points).toBe(50);
    await w.services.purchases.refund(m, { refundId: 'f-1-part', orderId: 'f-1', amount: 100_000 }, 'api');
    await drain();
    expect((await balances(referrer.id)).points).toBe(50);
    await w.services.purchases.refund(m, { refundId: 'f-1-rest', orderId: 'f-1' }, 'api');
    await drain();
    expect((await balances(referrer.id)).points).toBe(0);
    expect((await balances(friend.id)).credit).toBe(0);
    const reward = await w.db.pool.query(
      "SELECT status FROM referral_rewards WHERE friend_id = $1 AND trigger = 'first_purchase' AND beneficiary = 'referrer'",
      [friend.id],
    );
    expect(reward.rows[0].status).toBe('reversed');
    await drain(); // handling the same events again changes nothing
    expect(await ledgerSums(w.db, referrer.id)).toEqual(await balances(referrer.id));
  });

  it('a clawed-back referral reward leaves the referrer’s tier progress where purchases put it', async () => {
    const m = await w.newMerchant(settings);
    const referrer = await join(m);
    await w.services.purchases.record(m, { orderId: 'own-1', phone: referrer.phone, amount: 300_000 }, 'api');
    const before = (await w.services.members.get(m, referrer.id)).pointsEarnedTotal;
    expect(before).toBeGreaterThan(0);
    const friend = await join(m, referrer.id);
    await w.services.purchases.record(m, { orderId: 'claw-1', phone: friend.phone, amount: 400_000 }, 'api');
    await drain();
    expect((await balances(referrer.id)).points).toBe(before + 50);
    expect((await w.services.members.get(m, referrer.id)).pointsEarnedTotal).toBe(before); // referral rewards do not count toward tiers
    await w.services.purchases.refund(m, { refundId: 'claw-1-r', orderId: 'claw-1' }, 'api');
    await drain();
    expect((await balances(referrer.id)).points).toBe(before);
    expect((await w.services.members.get(m, referrer.id)).pointsEarnedTotal).toBe(before);
    const progress = await w.services.memberQueries.profile(m, referrer.id);
    expect(progress.progress.qualifyingPoints).toBe(before);
  });

  it('in the 12-month tier window too: a referral reward does not lift the referrer’s tier progress, and its clawback a year later does not lower it', async () => {
    const m = await w.newMerchant({
      ...settings,
      tiers: {
        window: '12m',
        levels: [
          { key: 'bronze', threshold: 0 },
          { key: 'silver', threshold: 60 },
        ],
      },
    });
    const referrer = await join(m);
    const progress = async () => (await w.services.memberQueries.profile(m, referrer.id)).progress.qualifyingPoints;
    const tier = async () => (await w.services.members.get(m, referrer.id)).tier;
    await w.services.purchases.record(m, { orderId: 'win-own-1', phone: referrer.phone, amount: 300_000 }, 'api');
    expect(await progress()).toBe(30);
    const friend = await join(m, referrer.id);
    await w.services.purchases.record(m, { orderId: 'win-claw', phone: friend.phone, amount: 400_000 }, 'api');
    await drain();
    expect((await balances(referrer.id)).points).toBe(80);
    expect(await progress()).toBe(30); // the 50 referral points are spendable, not tier progress
    await w.services.purchases.record(m, { orderId: 'win-own-2', phone: referrer.phone, amount: 100_000 }, 'api');
    expect(await progress()).toBe(40);
    expect(await tier()).toBe('bronze'); // 90 with the reward would have reached silver

    const start = w.clock.now();
    w.clock.advance(400 * DAY);
    try {
      await w.services.purchases.record(m, { orderId: 'win-own-3', phone: referrer.phone, amount: 200_000 }, 'api');
      expect(await progress()).toBe(20); // last year's purchases left the window
      await w.services.purchases.refund(m, { refundId: 'win-claw-r', orderId: 'win-claw' }, 'api');
      await drain();
      expect((await balances(referrer.id)).points).toBe(30 + 10 + 20);
      expect(await progress()).toBe(20);
    } finally {
      w.clock.set(start);
    }
  });

  it('the friend’s join reward is told once: by the chat’s welcome when its call pays it, else by the notice', async () => {
    const m = await w.newMerchant(settings);
    const referrer = await join(m);
    const friendEvents = async (friendId: string) =>
      (await drain()).filter((e) => e.type === 'referral.rewarded' && e.payload.member_id === friendId);
    const c = { t: translator('fa'), locale: 'fa' as const, clubName: 'x', moneyUnit: 'IRT' as const, tierName: (k: string) => k };

    // The chat pays first (the usual case): it says the reward; the worker's own call adds no event, and no notice follows.
    const first = await join(m, referrer.id);
    const told = await w.services.referrals.onJoined(m, first.id, referrer.id, true, { toldInChat: true });
    expect(told).toEqual({ currency: 'coins', amount: 10, otherName: null });
    const [paid, ...more] = await friendEvents(first.id);
    expect(more).toEqual([]);
    expect(paid!.type === 'referral.rewarded' && paid!.payload.told_in_chat).toBe(true);
    expect(notificationScreen(paid!, c)).toBeNull();
    expect((await balances(first.id)).coins).toBe(10);

    // The worker paid first (a race): the chat's call says nothing, the worker's notice tells it.
    const second = await join(m, referrer.id);
    await w.services.referrals.onJoined(m, second.id, referrer.id, true);
    expect(await w.services.referrals.onJoined(m, second.id, referrer.id, true, { toldInChat: true })).toBeNull();
    const [notice, ...again] = await friendEvents(second.id);
    expect(again).toEqual([]);
    expect(notificationScreen(notice!, c)?.text).toContain('۱۰ سکه هدیهٔ عضویت شما با دعوت دوستتان!');
    expect((await balances(second.id)).coins).toBe(10);
  });

  it('30 friends joining through one link at once: the referrer’s daily cap holds exactly, every friend is rewarded', async () => {
    const m = await w.newMerchant(settings);
    const referrer = await join(m);
    const friends = await Promise.all(Array.from({ length: 30 }, () => join(m, referrer.id)));
    // Their join events handled in parallel, as several workers would.
    await Promise.all(friends.map((f) => w.services.referrals.onJoined(m, f.id, referrer.id, true)));
    await drain();
    expect((await balances(referrer.id)).coins).toBe(5 * 20);
    for (const f of friends) expect((await balances(f.id)).coins).toBe(10);
    const granted = await w.db.pool.query(
      "SELECT count(*)::int AS n FROM referral_rewards WHERE referrer_id = $1 AND beneficiary = 'referrer'",
      [referrer.id],
    );
    expect(granted.rows[0].n).toBe(5);
  });

  it('the total cap holds across days', async () => {
    const m = await w.newMerchant(settings);
    const referrer = await join(m);
    for (let day = 0; day < 3; day++) {
      for (let i = 0; i < 5; i++) await join(m, referrer.id);
      await drain();
      w.clock.advance(DAY);
    }
    expect((await balances(referrer.id)).coins).toBe(8 * 20);
  });

  it('no self-referral (own code, or another phone on the same Telegram account) and a referrer is set once', async () => {
    const m = await w.newMerchant(settings);
    const referrer = await join(m);
    const sameAccount = await w.services.members.register({
      merchantId: m,
      phone: newPhone(),
      channel: 'telegram',
      externalUserId: String(tg),
      referrerId: referrer.id,
    });
    expect(sameAccount.member.referrerId).toBeNull();
    const friend = await join(m, referrer.id);
    const another = await join(m);
    const again = await w.services.members.register({
      merchantId: m,
      phone: friend.phone,
      channel: 'whatsapp',
      externalUserId: 'x@c.us',
      referrerId: another.id,
    });
    expect(again.member.referrerId).toBe(referrer.id);
    await expect(w.services.referrals.enterCode(m, friend, another.referralCode, 'telegram', 'x')).rejects.toMatchObject({
      code: 'already_referred',
    });
  });

  it('a code typed after joining: checked, rewarded once, refused when it is one’s own, of another club, or late', async () => {
    const m = await w.newMerchant(settings);
    const other = await w.newMerchant(settings);
    const referrer = await join(m);
    const stranger = await join(other);
    const newcomer = await join(m);
    await expect(w.services.referrals.enterCode(m, newcomer, newcomer.referralCode, 'telegram', 'x')).rejects.toMatchObject({
      code: 'own_referral_code',
    });
    await expect(w.services.referrals.enterCode(m, newcomer, stranger.referralCode, 'telegram', 'x')).rejects.toMatchObject({
      code: 'unknown_referral_code',
    });
    await expect(w.services.referrals.enterCode(m, newcomer, 'ZZZZZZ', 'telegram', 'x')).rejects.toMatchObject({
      code: 'unknown_referral_code',
    });
    const { referrer: found } = await w.services.referrals.enterCode(m, newcomer, referrer.referralCode.toLowerCase(), 'telegram', 'x');
    expect(found.id).toBe(referrer.id);
    await drain();
    expect((await balances(referrer.id)).coins).toBe(20);
    expect((await balances(newcomer.id)).coins).toBe(10);
    const before = w.clock.now();
    w.clock.set(new Date()); // invitations and joins are stamped by PostgreSQL
    expect(await w.services.referrals.stats(m)).toMatchObject({ invitations: 1, joins: 1, inviteToJoin: 1 });
    w.clock.set(before);

    const late = await join(m);
    w.clock.advance(8 * DAY);
    const lateMember = await w.services.members.get(m, late.id);
    await expect(
      w.services.referrals.enterCode(
        m,
        { ...lateMember, joinedAt: new Date(w.clock.now().getTime() - 8 * DAY) },
        referrer.referralCode,
        'telegram',
        'y',
      ),
    ).rejects.toMatchObject({ code: 'code_entry_closed' });
  });

  it('no rings: a member cannot name as referrer someone who joined through them, directly or down the line', async () => {
    const m = await w.newMerchant(settings);
    const a = await join(m);
    const b = await join(m, a.id);
    const c = await join(m, b.id);
    await expect(w.services.referrals.enterCode(m, a, b.referralCode, 'telegram', 'a')).rejects.toMatchObject({
      code: 'circular_referral',
    });
    await expect(w.services.referrals.enterCode(m, a, c.referralCode, 'telegram', 'a')).rejects.toMatchObject({
      code: 'circular_referral',
    });
    expect((await w.services.members.get(m, a.id)).referrerId).toBeNull();
    // Someone outside the chain is still fine.
    const d = await join(m);
    expect((await w.services.referrals.enterCode(m, a, d.referralCode, 'telegram', 'a')).referrer.id).toBe(d.id);
  });

  it('one-sided programmes: only the referrer earns', async () => {
    const m = await w.newMerchant({ referrals: { onJoin: { referrer: { currency: 'points', amount: 30 } }, onFirstPurchase: {} } });
    const referrer = await join(m);
    const friend = await join(m, referrer.id);
    await drain();
    expect(await balances(referrer.id)).toMatchObject({ points: 30 });
    expect(await balances(friend.id)).toEqual({ points: 0, coins: 0, credit: 0 });
    // Referral points do not lift tiers.
    expect((await w.services.members.get(m, referrer.id)).pointsEarnedTotal).toBe(0);
  });
});

describe('staff commission', () => {
  it('credits a percentage plus a fixed sum per purchase with a staff code, and takes it back on refunds', async () => {
    const m = await w.newMerchant({ staff: { commissionPercent: 2, commissionFixed: 1_000 } });
    await w.services.purchases.record(m, { orderId: 's-1', phone: newPhone(), amount: 1_000_000, staffCode: 'ALI' }, 'pos');
    await w.services.purchases.record(m, { orderId: 's-2', phone: newPhone(), amount: 500_000, staffCode: 'ALI' }, 'pos');
    await w.services.purchases.record(m, { orderId: 's-3', phone: newPhone(), amount: 200_000, staffCode: 'SARA' }, 'pos');
    await drain();
    await w.services.purchases.refund(m, { refundId: 's-1-r', orderId: 's-1', amount: 500_000 }, 'pos');
    await drain();
    await drain();
    const report = await w.services.staff.report(m);
    expect(report.staff).toEqual([
      { staffCode: 'ALI', name: null, purchases: 2, sales: 1_000_000, commission: 21_000 + 11_000 - 10_500 },
      { staffCode: 'SARA', name: null, purchases: 1, sales: 200_000, commission: 5_000 },
    ]);
  });
});
