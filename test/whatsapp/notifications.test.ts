import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/chat/i18n.js';
import { createWhatsAppHarness, shortLinkIn, type WhatsAppHarness } from '../helpers/whatsapp.js';
import { newPhone } from '../helpers/services.js';
import { waitForDrainedQueues } from '../helpers/quiet.js';
import { stripIsolates } from '../../src/chat/bidi.js';

let h: WhatsAppHarness;
let sender: Awaited<ReturnType<WhatsAppHarness['startSender']>>;
// What the member reads: the isolates around Latin runs are invisible (test/chat/bidi-isolates.test.ts checks them).
const fa = translator('fa');
const t = ((...args: Parameters<typeof fa>) => stripIsolates(fa(...args))) as typeof fa;

beforeAll(async () => {
  h = await createWhatsAppHarness();
  sender = await h.startSender(20);
});
afterAll(async () => {
  await sender.stop();
  await h.close();
});

describe('WhatsApp: notifications and one member on two channels', () => {
  it('a signed purchase webhook is told on WhatsApp, with the invitation link, once', async () => {
    const phone = newPhone();
    const sara = h.user(phone);
    await sara.send('سلام');
    for (let i = 0; i < 5; i++) await sara.send('0');

    const res = await h.api.webhook('/v1/webhooks/purchases', { orderId: 'wa-1', phone, amount: 250_000 });
    expect(res.statusCode).toBe(200);
    await h.drain();
    const told = await sara.inbox();
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('۲۵۰٬۰۰۰');
    // The invitation is a short link on the club's host that redirects to the wa.me join text.
    const invite = shortLinkIn(told[0]!.text);
    expect(invite.url).toMatch(/^http:\/\/localhost:3000\/j\/[A-Za-z0-9_-]{10}$/);
    const followed = await h.api.app.inject({ method: 'GET', url: `/j/${invite.code}` });
    expect(followed.statusCode).toBe(302);
    expect(followed.headers.location).toMatch(/^https:\/\/wa\.me\/989000000001\?text=/);

    // The same event handled again (a retry) adds nothing.
    await h.api.webhook('/v1/webhooks/purchases', { orderId: 'wa-1', phone, amount: 250_000 });
    await h.drain();
    await waitForDrainedQueues([sender.queue]); // a second notice would have been sent by now
    expect(await sara.inbox(0)).toHaveLength(0);
  });

  it('a member who joined on Telegram and writes on WhatsApp is the same member: one balance on both', async () => {
    const phone = newPhone();
    const { member } = await h.w.services.members.register({
      merchantId: h.merchantId,
      phone,
      channel: 'telegram',
      externalUserId: '777000111',
      chatId: '777000111',
    });
    await h.api.webhook('/v1/webhooks/purchases', { orderId: 'tg-then-wa', phone, amount: 100_000 });
    await h.drain();

    const reza = h.user(phone, 'Reza');
    const hello = await reza.send('سلام');
    expect(hello[0]).toBe(t('whatsapp.linked', { club: 'HTTP Shop' }));
    expect(hello[1]).toContain('منوی اصلی باشگاه HTTP Shop');
    const card = (await reza.send('1'))[0]!;
    const fresh = await h.w.services.members.get(h.merchantId, member.id);
    expect(fresh.balances.points).toBeGreaterThan(0);
    expect(card).toContain(`⭐ امتیاز: ${fresh.balances.points.toLocaleString('fa-IR').replace(/,/g, '٬')}`);

    const identities = await h.w.services.memberStore.identities(member.id);
    expect(identities.map((i) => i.channel).sort()).toEqual(['telegram', 'whatsapp']);
    const members = await h.w.db.pool.query('SELECT count(*)::int AS n FROM members WHERE merchant_id = $1 AND phone = $2', [
      h.merchantId,
      phone,
    ]);
    expect(members.rows[0].n).toBe(1);

    // A purchase now is told on WhatsApp too (Telegram's notifier is another handler).
    await h.api.webhook('/v1/webhooks/purchases', { orderId: 'tg-then-wa-2', phone, amount: 50_000 });
    await h.drain();
    const told = await reza.inbox();
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('۵۰٬۰۰۰');
  });

  it('a number without WhatsApp is marked unreachable until the member writes again', async () => {
    const phone = newPhone();
    const u = h.user(phone);
    await u.send('سلام');
    h.local.unreachable.add(phone);
    await h.api.webhook('/v1/webhooks/purchases', { orderId: 'gone-1', phone, amount: 10_000 });
    await h.drain();
    const member = (await h.w.services.members.findByPhone(h.merchantId, phone))!;
    for (let i = 0; i < 100; i++) {
      const ids = await h.w.services.memberStore.identities(member.id);
      if (ids[0]?.unreachableAt) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await h.w.services.memberStore.identities(member.id))[0]!.unreachableAt).not.toBeNull();
    h.local.unreachable.delete(phone);
    // Writing again makes them reachable.
    await u.send('منو');
    expect((await h.w.services.memberStore.identities(member.id))[0]!.unreachableAt).toBeNull();
  });
});
