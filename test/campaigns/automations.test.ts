import { Queue } from 'bullmq';
import { toGregorian } from 'jalaali-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tehranParts } from '../../src/lib/jalali.js';
import { MAINTENANCE_SCHEDULES, scheduleMaintenance } from '../../src/jobs/maintenance.js';
import { QueueName } from '../../src/jobs/queues.js';
import { noticeEvent } from '../helpers/events.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { createTestWorld, joinedMember, storedBalances, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let r: TestRedis;
beforeAll(async () => {
  r = createTestRedis();
  w = await createTestWorld({ redis: r });
});
afterAll(async () => {
  await w.close();
  await r.cleanup();
});

const jalali = (jy: number, jm: number, jd: number) => {
  const g = toGregorian(jy, jm, jd);
  return `${g.gy}-${String(g.gm).padStart(2, '0')}-${String(g.gd).padStart(2, '0')}`;
};
/** Noon in Tehran on a Jalali day. */
const tehranNoon = (jy: number, jm: number, jd: number) => new Date(`${jalali(jy, jm, jd)}T12:00:00+03:30`);

async function messages(merchantId: string) {
  const { rows } = await w.db.pool.query(
    "SELECT payload FROM outbox_events WHERE merchant_id = $1 AND type = 'automation.message' ORDER BY id",
    [merchantId],
  );
  return rows.map((x) => {
    const { event, text } = noticeEvent('automation.message', x.payload);
    return { member: event.payload.member_id, kind: event.payload.kind, text };
  });
}

describe('automations', () => {
  it('run every day at midnight in Tehran', async () => {
    const queue = new Queue(QueueName.maintenance, { connection: r.redis, prefix: r.prefix });
    try {
      await scheduleMaintenance(queue);
      const scheduler = await queue.getJobScheduler('automations');
      expect(scheduler).toMatchObject({ pattern: MAINTENANCE_SCHEDULES.automations, tz: 'Asia/Tehran' });
      const next = new Date(scheduler!.next!);
      expect(tehranParts(next)).toMatchObject({ hour: 0, minute: 0 });
      expect(next.getUTCHours() * 60 + next.getUTCMinutes()).toBe(20 * 60 + 30); // 00:00 Tehran is 20:30 UTC
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    } finally {
      await queue.close();
    }
  });

  it('birthday greeting with a gift on the Jalali birthday, once a year; 30 Esfand is celebrated on 29 Esfand in common years', async () => {
    const m = await w.newMerchant({ automations: { birthday: { enabled: true, reward: { currency: 'coins', amount: 50 } } } });
    const sara = await joinedMember(w, m);
    const ali = await joinedMember(w, m);
    const leapBorn = await joinedMember(w, m);
    const set = (id: string, birth: string, name: string) =>
      w.db.pool.query('UPDATE members SET birth_date = $2, first_name = $3 WHERE id = $1', [id, birth, name]);
    await set(sara.id, jalali(1370, 6, 31), 'سارا');
    await set(ali.id, jalali(1375, 6, 30), 'علی');
    await set(leapBorn.id, jalali(1399, 12, 30), 'نیما'); // 1399 had a 30 Esfand; 1405 does not

    w.clock.set(tehranNoon(1405, 6, 31));
    expect(await w.services.automations.runFor(m)).toBe(1);
    expect(await w.services.automations.runFor(m)).toBe(0); // a second run the same day (or year) sends nothing
    expect((await storedBalances(w.db, sara.id)).balances.coins).toBe(50);
    expect((await storedBalances(w.db, ali.id)).balances.coins).toBe(0);
    expect(await messages(m)).toEqual([
      { member: sara.id, kind: 'birthday', text: '🎂 سارا، تولدتان مبارک! هدیهٔ ما: ۵۰ سکه 🎁\nموجودی فعلی: ۰ امتیاز | ۵۰ سکه | ۰ تومان' },
    ]);

    w.clock.set(tehranNoon(1405, 12, 29));
    expect(await w.services.automations.runFor(m)).toBe(1);
    expect((await messages(m)).at(-1)!.member).toBe(leapBorn.id);
    w.clock.set(tehranNoon(1406, 6, 31));
    expect(await w.services.automations.runFor(m)).toBe(1); // next year, again
    expect((await storedBalances(w.db, sara.id)).balances.coins).toBe(100);
    w.clock.set('2026-11-23T08:00:00Z');
  });

  it('win-back after N days without a purchase, once per lapse, never to members who opted out', async () => {
    const m = await w.newMerchant({ automations: { winBack: { enabled: true, days: 30, text: '{name} جان، با کد BACK10 برگرد!' } } });
    const [gone, recent, optedOut, never] = await Promise.all([
      joinedMember(w, m),
      joinedMember(w, m),
      joinedMember(w, m),
      joinedMember(w, m),
    ]);
    const last = (id: string, days: number) =>
      w.db.pool.query("UPDATE members SET last_purchase_at = $2, first_name = 'Reza' WHERE id = $1", [
        id,
        new Date(w.clock.now().getTime() - days * 86_400_000),
      ]);
    await last(gone.id, 40);
    await last(recent.id, 10);
    await last(optedOut.id, 40);
    await w.services.members.setOptOut(m, optedOut.id, true);
    expect(never.id).toBeTruthy(); // never bought: not a win-back
    expect(await w.services.automations.runFor(m)).toBe(1);
    expect(await w.services.automations.runFor(m)).toBe(0);
    expect((await messages(m)).map((x) => [x.member, x.text])).toEqual([[gone.id, 'Reza جان، با کد BACK10 برگرد!']]);
    // They come back, then lapse again: a new win-back.
    await last(gone.id, 35);
    expect(await w.services.automations.runFor(m)).toBe(1);
  });

  it('welcome steps after joining, each once', async () => {
    const m = await w.newMerchant({
      automations: {
        welcome: {
          enabled: true,
          steps: [
            { afterDays: 0, text: 'خوش آمدی {name}!' },
            { afterDays: 3, text: 'سه روز است که عضوی؛ گردونه را چرخاندی؟' },
          ],
        },
      },
    });
    const a = await joinedMember(w, m);
    w.clock.advance(60_000); // joined a minute ago, on the club's clock
    expect(await w.services.automations.runFor(m)).toBe(1);
    expect(await w.services.automations.runFor(m)).toBe(0);
    w.clock.advance(3 * 86_400_000);
    expect(await w.services.automations.runFor(m)).toBe(1);
    w.clock.advance(86_400_000);
    expect(await w.services.automations.runFor(m)).toBe(0);
    expect((await messages(m)).map((x) => [x.member, x.text])).toEqual([
      [a.id, 'خوش آمدی دوست عزیز!'],
      [a.id, 'سه روز است که عضوی؛ گردونه را چرخاندی؟'],
    ]);
    w.clock.set('2026-11-23T08:00:00Z');
  });
});
