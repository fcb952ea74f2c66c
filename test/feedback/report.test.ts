import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramHarness, type TelegramHarness } from '../helpers/telegram.js';
import { newPhone } from '../helpers/services.js';
import { jalaliMonthRange } from '../../src/lib/jalali.js';

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
    for (const [i, phone] of phones.entries()) await s.members.register({ merchantId: m, phone, channel: 'telegram', externalUserId: String(9100 + i), chatId: String(9100 + i) });
    await s.purchases.record(m, { orderId: 'old-1', phone: phones[0]!, amount: 100_000, occurredAt: lastMonth }, 'test');
    await s.purchases.record(m, { orderId: 'old-2', phone: phones[0]!, amount: 100_000, occurredAt: lastMonth }, 'test');
    for (const [i, branch] of ['ونک', 'ونک', 'تجریش'].entries()) await s.purchases.record(m, { orderId: `new-${i}`, phone: phones[i % 2]!, amount: 300_000, branch }, 'test');
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
