import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastRig, type BroadcastRig } from '../campaigns/broadcast-engine.js';
import { attachWhatsApp, CLUB_NUMBER, shortLinkIn } from '../helpers/whatsapp.js';
import { newPhone } from '../helpers/services.js';

let rig: BroadcastRig;
let wa: Awaited<ReturnType<typeof attachWhatsApp>>;
beforeAll(async () => {
  rig = await createBroadcastRig({ ratePerSecond: 200 });
  await rig.start();
  wa = await attachWhatsApp(rig.w, rig.r, rig.merchantId);
  await wa.startSender(10);
});
afterAll(async () => {
  await wa.close();
  await rig.close();
});

describe('a broadcast to members on Telegram and WhatsApp', () => {
  it('reaches every member once, on the chat they used last (members on both wrote on WhatsApp last); never both', async () => {
    const tgOnly = await rig.members(6, () => ({ tags: ['yalda'] }));
    const waOnly = Array.from({ length: 5 }, () => newPhone());
    for (const phone of waOnly) await wa.local.receive(rig.merchantId, phone, 'سلام');
    // Members on both: joined on Telegram, then wrote on WhatsApp from the same phone.
    const both = await rig.members(3, () => ({ tags: ['yalda'] }));
    const bothPhones: string[] = [];
    for (const m of both) {
      const phone = (await rig.w.services.members.get(rig.merchantId, m.id)).phone;
      bothPhones.push(phone);
      await wa.local.receive(rig.merchantId, phone, 'سلام');
    }
    for (const phone of waOnly) {
      const member = (await rig.w.services.members.findByPhone(rig.merchantId, phone))!;
      await rig.w.services.members.tag(rig.merchantId, member.id, ['yalda']);
    }
    // One WhatsApp member opted out by writing "لغو".
    await wa.local.receive(rig.merchantId, waOnly[4]!, 'لغو');

    const { broadcast, recipients } = await rig.w.services.campaigns.create(
      rig.merchantId,
      { kind: 'message', name: 'yalda', segment: { tags: ['yalda'] }, message: { text: 'یلدا مبارک {name}!' } },
      'test',
    );
    expect(recipients).toBe(6 + 4 + 3);
    const done = await rig.waitUntil(broadcast!.id, (s) => s.status === 'done', 30_000);
    expect(done.counts).toMatchObject({ sent: 13, pending: 0, sending: 0, unknown: 0, failed: 0 });

    const channels = await rig.w.db.pool.query(
      'SELECT channel, count(*)::int AS n FROM broadcast_deliveries WHERE broadcast_id = $1 GROUP BY channel ORDER BY channel',
      [broadcast!.id],
    );
    expect(channels.rows).toEqual([
      { channel: 'telegram', n: 6 },
      { channel: 'whatsapp', n: 7 },
    ]);

    for (const m of tgOnly) expect(rig.tg.received.get(m.chat)).toHaveLength(1);
    for (const m of both) expect(rig.tg.received.get(m.chat)).toBeUndefined();
    const waReceived = async (phone: string) =>
      (await wa.local.messages(rig.merchantId, phone)).filter((x) => x.direction === 'out' && x.text.startsWith('یلدا مبارک'));
    for (const phone of waOnly.slice(0, 4)) {
      const got = await waReceived(phone);
      expect(got).toHaveLength(1);
      // The tracked link: short, on the club's host, standing for the wa.me text (808 characters long).
      const { url, code } = shortLinkIn(got[0]!.text);
      expect(url.length).toBeLessThan(40);
      expect(got[0]!.text).not.toContain('wa.me');
      expect(await rig.w.services.shortLinks.target(code)).toMatch(new RegExp(`^https://wa\\.me/${CLUB_NUMBER.slice(1)}\\?text=`));
      expect(got[0]!.text).toContain('«لغو»');
    }
    expect(await waReceived(waOnly[4]!)).toHaveLength(0);
    for (const phone of bothPhones) expect(await waReceived(phone)).toHaveLength(1);
  });

  it('the tracked wa.me link counts a click when the member sends its text', async () => {
    const phone = newPhone();
    await wa.local.receive(rig.merchantId, phone, 'سلام');
    const member = (await rig.w.services.members.findByPhone(rig.merchantId, phone))!;
    await rig.w.services.members.tag(rig.merchantId, member.id, ['click']);
    const { campaign, broadcast } = await rig.w.services.campaigns.create(
      rig.merchantId,
      { kind: 'message', name: 'click', segment: { tags: ['click'] }, message: { text: 'Sale' } },
      'test',
    );
    await rig.waitUntil(broadcast!.id, (s) => s.status === 'done');
    const sent = (await wa.local.messages(rig.merchantId, phone)).filter((x) => x.text.startsWith('Sale'))[0]!;
    const target = (await rig.w.services.shortLinks.target(shortLinkIn(sent.text).code))!;
    const link = /https:\/\/wa\.me\/\d+\?text=(\S+)/.exec(target)![1]!;
    await wa.local.receive(rig.merchantId, phone, decodeURIComponent(link));
    await wa.local.receive(rig.merchantId, phone, decodeURIComponent(link)); // a second tap counts once
    const clicks = await rig.w.db.pool.query('SELECT member_id FROM campaign_clicks WHERE campaign_id = $1', [campaign.id]);
    expect(clicks.rows).toEqual([{ member_id: member.id }]);
  });
});
