import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotApiError } from '../../src/channels/telegram/local/local-bot-api.js';
import { chatIdOf } from '../../src/channels/whatsapp/client.js';
import { createBroadcastRig, type BroadcastRig } from './broadcast-engine.js';
import { attachWhatsApp } from '../helpers/whatsapp.js';
import { newPhone } from '../helpers/services.js';
import { stripIsolates } from '../../src/chat/bidi.js';
import type { Job, Queue } from 'bullmq';
import type { Recipient } from '../../src/domain/campaigns/broadcast-service.js';
import { broadcastQueueName, processDelivery, type BroadcastJob, type SenderDeps } from '../../src/jobs/broadcast-sender.js';

let rig: BroadcastRig;
let wa: Awaited<ReturnType<typeof attachWhatsApp>>;
beforeAll(async () => {
  rig = await createBroadcastRig({ ratePerSecond: 500 });
  await rig.start();
  wa = await attachWhatsApp(rig.w, rig.r, rig.merchantId);
  await wa.startSender(2);
});
afterAll(async () => {
  await wa.close();
  await rig.close();
});

type Kind = 'telegram' | 'whatsapp';
interface Planned {
  id: string;
  phone: string;
  chat: number | null;
  /** Where the one message must arrive. */
  expect: Kind;
}

/** Runs `make` for 0..n-1, ten at a time. */
async function inChunks<T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += 10) out.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => make(i + j)))));
  return out;
}

describe('a broadcast reaches each member exactly once, on their channel', () => {
  it('1,000 mixed members (Telegram, WhatsApp, both, preferences, blocked first channels): one message each', async () => {
    const s = rig.w.services;
    const m = rig.merchantId;
    const phoneOf = async (id: string) => (await s.members.get(m, id)).phone;
    const onWhatsApp = async (phone: string, seen: boolean) => {
      const chat = chatIdOf(phone);
      await s.members.register({ merchantId: m, phone, channel: 'whatsapp', externalUserId: chat, chatId: chat });
      if (seen) await s.memberStore.markSeen(m, 'whatsapp', chat);
    };
    const onBale = async (phone: string, n: number) => {
      await s.members.register({ merchantId: m, phone, channel: 'bale', externalUserId: `b${n}`, chatId: `b${n}` });
      await s.memberStore.markSeen(m, 'bale', `b${n}`);
    };
    const planned: Planned[] = [];
    const withTelegram = async (n: number, then: (x: { id: string; chat: number; phone: string }, i: number) => Promise<Kind>) => {
      const made = await rig.members(n);
      planned.push(
        ...(await inChunks(n, async (i) => {
          const x = { ...made[i]!, phone: await phoneOf(made[i]!.id) };
          return { ...x, expect: await then(x, i) };
        })),
      );
    };

    // 300 on Telegram only; 50 of them on Bale too (used last, or preferred), which this club does not run.
    await withTelegram(300, async (x, i) => {
      if (i < 50) await onBale(x.phone, i);
      if (i < 20) await s.members.setPreferredChannel(m, x.id, 'bale');
      return 'telegram';
    });
    // 250 on WhatsApp only.
    planned.push(
      ...(await inChunks(250, async () => {
        const phone = newPhone();
        await onWhatsApp(phone, true);
        const id = (await s.members.findByPhone(m, phone))!.id;
        return { id, phone, chat: null, expect: 'whatsapp' as const };
      })),
    );
    // 200 on both, WhatsApp used last; 50 of them prefer Telegram.
    await withTelegram(200, async (x, i) => {
      await onWhatsApp(x.phone, true);
      if (i < 50) {
        await s.members.setPreferredChannel(m, x.id, 'telegram');
        return 'telegram';
      }
      return 'whatsapp';
    });
    // 150 on both preferring WhatsApp; for 40 of them WhatsApp is known unreachable (the number has no WhatsApp).
    await withTelegram(150, async (x, i) => {
      await onWhatsApp(x.phone, false);
      await s.members.setPreferredChannel(m, x.id, 'whatsapp');
      if (i < 40) {
        await s.memberStore.markUnreachable(m, 'whatsapp', chatIdOf(x.phone), true);
        return 'telegram';
      }
      return 'whatsapp';
    });
    // 100 on both, Telegram used last, but they blocked the bot (the club learns it at the send).
    await withTelegram(100, async (x) => {
      await s.memberStore.markSeen(m, 'telegram', String(x.chat));
      await onWhatsApp(x.phone, false);
      rig.tg.alwaysFail.set(x.chat, new BotApiError(403, 'Forbidden: bot was blocked by the user'));
      return 'whatsapp';
    });
    expect(planned).toHaveLength(1000);
    // The count before sending makes the same choice (the 100 blocks are not known yet).
    expect(await s.campaigns.countSegment(m, {})).toMatchObject({ reachable: 1000, byChannel: { telegram: 490, whatsapp: 510 } });

    const { broadcast, recipients } = await s.campaigns.create(
      m,
      { kind: 'message', name: 'reach', segment: {}, message: { text: 'پیام یک‌باره {name}' } },
      'test',
    );
    expect(recipients).toBe(1000);
    const done = await rig.waitUntil(broadcast!.id, (x) => x.status === 'done', 180_000);
    expect(done.counts).toMatchObject({ sent: 1000, blocked: 0, failed: 0, unknown: 0, pending: 0, sending: 0, skipped: 0 });

    const rows = await rig.w.db.pool.query('SELECT member_id, channel FROM broadcast_deliveries WHERE broadcast_id = $1', [broadcast!.id]);
    const channelOf = new Map(rows.rows.map((r) => [r.member_id as string, r.channel as string]));
    expect(rows.rows).toHaveLength(1000);

    const waCopies = async (phone: string) =>
      (await wa.local.messages(m, phone)).filter((x) => x.direction === 'out' && stripIsolates(x.text).startsWith('پیام یک‌باره')).length;
    const wrong: string[] = [];
    for (const p of planned) {
      const telegram = p.chat === null ? 0 : (rig.tg.received.get(p.chat)?.length ?? 0);
      const whatsapp = await waCopies(p.phone);
      const got = { telegram, whatsapp };
      if (got[p.expect] !== 1 || telegram + whatsapp !== 1 || channelOf.get(p.id) !== p.expect)
        wrong.push(`${p.id}: expected on ${p.expect}, got ${JSON.stringify(got)} (row ${channelOf.get(p.id)})`);
    }
    expect(wrong).toEqual([]);
    expect(rig.tg.maxCopies()).toBe(1);
    // The blocked ones were marked, so the next message goes straight to WhatsApp.
    const unreachable = await rig.w.db.pool.query(
      "SELECT count(*)::int AS n FROM channel_identities WHERE merchant_id = $1 AND channel = 'telegram' AND unreachable_at IS NOT NULL",
      [m],
    );
    expect(unreachable.rows[0].n).toBe(100);
  }, 300_000);

  it('a segment limited to Telegram stays on Telegram: a member who blocked the bot is not moved to WhatsApp', async () => {
    const s = rig.w.services;
    const m = rig.merchantId;
    const [x] = await rig.members(1, () => ({ tags: ['tg-only'] }));
    const phone = (await s.members.get(m, x!.id)).phone;
    const chat = chatIdOf(phone);
    await s.members.register({ merchantId: m, phone, channel: 'whatsapp', externalUserId: chat, chatId: chat });
    rig.tg.alwaysFail.set(x!.chat, new BotApiError(403, 'Forbidden: bot was blocked by the user'));
    const { broadcast } = await s.campaigns.create(
      m,
      { kind: 'message', name: 'tg', segment: { tags: ['tg-only'], channel: 'telegram' }, message: { text: 'فقط تلگرام' } },
      'test',
    );
    const done = await rig.waitUntil(broadcast!.id, (b) => b.status === 'done');
    expect(done.counts).toMatchObject({ blocked: 1, sent: 0 });
    expect((await wa.local.messages(m, phone)).filter((msg) => msg.direction === 'out')).toHaveLength(0);
  });

  it('a delivery found on the wrong queue (moved to another channel, the process stopped before queuing it there) is queued where it belongs', async () => {
    const s = rig.w.services;
    const m = rig.merchantId;
    const [x] = await rig.members(1, () => ({ tags: ['moved'] }));
    const { broadcast } = await s.campaigns.create(
      m,
      { kind: 'message', name: 'later', segment: { tags: ['moved'] }, message: { text: 'بعداً' }, scheduleAt: '2030-01-01T09:00:00+03:30' },
      'test',
    );
    await rig.w.db.pool.query(
      "INSERT INTO broadcast_deliveries (broadcast_id, member_id, channel, state) VALUES ($1, $2, 'whatsapp', 'pending')",
      [broadcast!.id, x!.id],
    );
    const requeued: Recipient[] = [];
    const deps = { store: s.broadcastStore, requeue: async (_m: string, _b: string, r: Recipient) => void requeued.push(r) };
    const job = { data: { b: broadcast!.id, m: x!.id } } as Job<BroadcastJob>;
    const telegramQueue = { name: broadcastQueueName(m, 'telegram') } as Queue;
    expect(await processDelivery(deps as unknown as SenderDeps, job, undefined, telegramQueue)).toBe('moved');
    expect(requeued).toEqual([{ memberId: x!.id, channel: 'whatsapp' }]);
  });
});
