import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramHarness, type TelegramHarness } from '../helpers/telegram.js';
import { newPhone } from '../helpers/services.js';
import { jalaliMonthRange } from '../../src/lib/jalali.js';
import { monthlyReportScreen } from '../../src/chat/screens/admin-support-screens.js';
import { PgReportStore } from '../../src/db/repositories/report-store.js';
import type { MonthFigures } from '../../src/domain/admin/monthly-report.js';
import { stripIsolates } from '../../src/chat/bidi.js';

let h: TelegramHarness;
beforeAll(async () => {
  h = await createTelegramHarness();
});
afterAll(() => h.close());

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
function pngSize(data: Buffer): { width: number; height: number } {
  expect(data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(data.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('/report', () => {
  it('shows the owner this Jalali month against the last, with ratings and NPS by branch and a chart PNG', async () => {
    const s = h.w.services;
    const m = h.merchantId;
    // Rows stamped by PostgreSQL (joins, ledger entries) carry the real time: report on the real month.
    h.w.clock.set(new Date());
    // Last Jalali month: 2 purchases; this month: 3 purchases and 1 new member (the clock is real here).
    const lastMonth = new Date(jalaliMonthRange(new Date()).from.getTime() - 12 * 3_600_000);
    const phones = [newPhone(), newPhone()];
    for (const [i, phone] of phones.entries())
      await s.members.register({ merchantId: m, phone, channel: 'telegram', externalUserId: String(9100 + i), chatId: String(9100 + i) });
    await s.purchases.record(m, { orderId: 'old-1', phone: phones[0]!, amount: 100_000, occurredAt: lastMonth }, 'test');
    await s.purchases.record(m, { orderId: 'old-2', phone: phones[0]!, amount: 100_000, occurredAt: lastMonth }, 'test');
    for (const [i, branch] of ['ونک', 'ونک', 'تجریش'].entries())
      await s.purchases.record(m, { orderId: `new-${i}`, phone: phones[i % 2]!, amount: 300_000, branch }, 'test');
    // Ratings this month: ونک 5 and 3 (NPS 10 and 6), تجریش 4 (NPS 9).
    const survey = await s.surveys.openPostPurchase(m, (await s.members.findByPhone(m, phones[0]!))!.id, 'new-0', 'ونک');
    await s.surveys.rate(m, survey!.memberId, survey!.id, 5);
    await s.surveys.nps(m, survey!.memberId, survey!.id, 10);
    const second = await s.surveys.openPostPurchase(m, (await s.members.findByPhone(m, phones[1]!))!.id, 'new-1', 'ونک');
    await s.surveys.rate(m, second!.memberId, second!.id, 3);
    await s.surveys.nps(m, second!.memberId, second!.id, 6);
    const third = await s.surveys.openPostPurchase(m, (await s.members.findByPhone(m, phones[0]!))!.id, 'new-2', 'تجریش');
    await s.surveys.rate(m, third!.memberId, third!.id, 4);
    await s.surveys.nps(m, third!.memberId, third!.id, 9);

    const owner = h.user(777, 'Owner');
    const { code } = await s.operators.invite(m, 'owner', null, 'test');
    await owner.send(`/admin ${code}`, 2);
    const [photo, text] = await owner.send('/report', 2);
    expect(photo!.caption).toMatch(/^📊 گزارش کافه تهران: .+ در برابر .+$/);
    const fileId = photo!.photo!.at(-1)!.file_id;
    expect(pngSize(h.api.file(fileId)!.data)).toEqual({ width: 960, height: 540 });

    const body = text!.text!;
    expect(body).toContain('اعضای تازه: ۲ (ماه قبل ۰) ⬆️');
    expect(body).toContain('خریدها: ۳ (ماه قبل ۲) ⬆️');
    expect(body).toContain('اعضای خریدار: ۲ (ماه قبل ۱) ⬆️');
    expect(body).toContain('درآمد از اعضا: ۹۰۰٬۰۰۰ تومان (ماه قبل ۲۰۰٬۰۰۰ تومان) ⬆️');
    // ونک: average (5+3)/2 = 4; NPS: one promoter, one detractor of two = 0. تجریش: 4, one promoter = 100.
    expect(body).toContain('تجریش: میانگین ۴ از ۵ (۱ نظر) | NPS ۱۰۰');
    expect(body).toContain('ونک: میانگین ۴ از ۵ (۲ نظر) | NPS ۰');
    expect(body).toContain('🎫 تیکت‌های این ماه: ۰');

    // The same report through the admin keyboard.
    const [photo2] = await owner.send('📈 گزارش ماه', 2);
    expect(photo2!.photo).toBeDefined();
  });
});

describe('the report’s numbers', () => {
  const month = (from: string, over: Partial<MonthFigures> = {}): MonthFigures => ({
    purchases: 0,
    revenue: 0,
    buyers: 0,
    newMembers: 0,
    pointsIssued: 0,
    pointsSpent: 0,
    refunds: 0,
    jy: 1405,
    jm: 9,
    from: new Date(from),
    kFactor: 0,
    members: 0,
    ...over,
  });

  it('keeps decimals (Persian separator) and names the month before the year', async () => {
    const c = await h.w.services.screens.context(h.merchantId, 'fa');
    const screen = monthlyReportScreen(
      {
        // 1 Azar 1405 and 1 Aban 1405, Tehran midnight.
        thisMonth: month('2026-11-21T20:30:00Z', { kFactor: 0.25 }),
        lastMonth: month('2026-10-22T20:30:00Z', { kFactor: 1.5 }),
        branches: [{ branch: 'ونک', ratings: 2, averageRating: 2.5, npsAnswers: 0, nps: null }],
        support: { opened: 0, answered: 0, medianMinutes: null, averageMinutes: null },
      },
      c,
    );
    const text = stripIsolates(screen.text); // as read: the isolates around "K" are invisible
    expect(text).toContain('📊 گزارش کافه تهران: آذر ۱۴۰۵ در برابر آبان ۱۴۰۵');
    expect(text).toContain('ضریب دعوت (K): ۰٫۲۵ (ماه قبل ۱٫۵) ⬇️');
    expect(text).toContain('ونک: میانگین ۲٫۵ از ۵ (۲ نظر)');
    const en = monthlyReportScreen(
      {
        thisMonth: month('2026-11-21T20:30:00Z'),
        lastMonth: month('2026-10-22T20:30:00Z'),
        branches: [],
        support: { opened: 0, answered: 0, medianMinutes: null, averageMinutes: null },
      },
      await h.w.services.screens.context(h.merchantId, 'en'),
    );
    expect(en.text).toContain('Azar 1405 vs Aban 1405');
  });

  it('points spent counts what members spent, not what a refund took back', async () => {
    const s = h.w.services;
    const m = await h.w.newMerchant();
    const phone = newPhone();
    const { member } = await s.members.register({ merchantId: m, phone, channel: 'telegram', externalUserId: '9200', chatId: '9200' });
    await s.purchases.record(m, { orderId: 'a', phone, amount: 250_000 }, 'test');
    await s.purchases.record(m, { orderId: 'b', phone, amount: 250_000 }, 'test');
    await s.ledger.spend({
      merchantId: m,
      memberId: member.id,
      currency: 'points',
      amount: 10,
      reason: 'gift',
      idempotencyKey: 'spend-1',
      actor: 'test',
    });
    await s.purchases.refund(m, { refundId: 'r-a', orderId: 'a' }, 'test');
    const figures = await new PgReportStore(h.w.db.pool).figures(m, new Date(Date.now() - 3_600_000), new Date(Date.now() + 3_600_000));
    expect(figures.pointsIssued).toBe(50);
    expect(figures.pointsSpent).toBe(10);
  });
});
