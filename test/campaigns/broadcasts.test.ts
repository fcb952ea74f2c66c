import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, waitFor } from '../helpers/process.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { BotApiError } from '../../src/channels/telegram/local/local-bot-api.js';
import { waitForDrainedQueues } from '../helpers/quiet.js';
import { createBroadcastRig, type BroadcastRig } from './broadcast-engine.js';

let rig: BroadcastRig;
let stopWorkers: () => Promise<void>;
beforeAll(async () => {
  rig = await createBroadcastRig({ ratePerSecond: 200 });
  stopWorkers = (await rig.start()).stop;
});
afterAll(() => rig.close());

const sendQueue = () => rig.w.broadcastQueues!.sendQueue(rig.merchantId);

const send = (segment: object, text = 'سلام {name}! این هفته دو برابر امتیاز بگیرید.', extra: object = {}) =>
  rig.w.services.campaigns.create(rig.merchantId, { kind: 'message', name: 'test', segment, message: { text }, ...extra }, 'test');

describe('broadcasts', () => {
  it('with injected 403s, 500s and a 429: exact counts, never two copies, nothing sent before retry_after', async () => {
    const members = await rig.members(40, (i) => ({ tags: ['round1'], firstName: i === 0 ? 'سارا' : undefined }));
    const chats = members.map((m) => m.chat);
    for (const c of chats.slice(1, 4)) rig.tg.alwaysFail.set(c, new BotApiError(403, 'Forbidden: bot was blocked by the user'));
    for (const c of chats.slice(4, 6)) rig.tg.alwaysFail.set(c, new BotApiError(500, 'Internal Server Error'));
    for (const c of chats.slice(6, 8)) rig.tg.failOnce.set(c, [new BotApiError(502, 'Bad Gateway')]);
    rig.tg.rateLimitAt = { n: 12, seconds: 1 };

    const { broadcast, recipients } = await send({ tags: ['round1'] });
    expect(recipients).toBe(40);
    const done = await rig.waitUntil(broadcast!.id, (s) => s.status === 'done');
    expect(done.counts).toMatchObject({ sent: 35, blocked: 3, failed: 2, pending: 0, sending: 0, unknown: 0 });
    expect(rig.tg.maxCopies()).toBe(1);
    expect(rig.tg.earlySends).toBe(0);
    expect([...rig.tg.received.keys()].length).toBe(35);
    expect(rig.tg.received.get(chats[0]!)![0]).toBe('سلام سارا! این هفته دو برابر امتیاز بگیرید.');

    const unreachable = await rig.w.db.pool.query(
      'SELECT count(*)::int AS n FROM channel_identities WHERE merchant_id = $1 AND unreachable_at IS NOT NULL',
      [rig.merchantId],
    );
    expect(unreachable.rows[0].n).toBe(3);
    const attempts = await rig.w.db.pool.query(
      'SELECT member_id, attempts, state FROM broadcast_deliveries WHERE broadcast_id = $1 AND state = $2',
      [broadcast!.id, 'failed'],
    );
    // Five tries each; the one injected 429 may land on one of these two chats, and that
    // rate-limited try is counted too (BullMQ does not count it against the five).
    const tries = attempts.rows.map((x) => x.attempts as number).sort();
    expect(tries[0]).toBe(5);
    expect(tries[0]! + tries[1]!).toBeLessThanOrEqual(11);
    expect(tries[1]).toBeGreaterThanOrEqual(5);
    rig.tg.alwaysFail.clear();
    rig.tg.rateLimitAt = null;
  });

  it('"chat not found" fails that one delivery at once and does not mark the member unreachable (it is not a block)', async () => {
    const members = await rig.members(3, () => ({ tags: ['lost-chat'] }));
    rig.tg.alwaysFail.set(members[0]!.chat, new BotApiError(400, 'Bad Request: chat not found'));
    const { broadcast } = await send({ tags: ['lost-chat'] });
    const done = await rig.waitUntil(broadcast!.id, (s) => s.status === 'done');
    expect(done.counts).toMatchObject({ sent: 2, blocked: 0, failed: 1 });
    const identity = await rig.w.db.pool.query('SELECT unreachable_at FROM channel_identities WHERE member_id = $1', [members[0]!.id]);
    expect(identity.rows).toEqual([{ unreachable_at: null }]);
    const attempts = await rig.w.db.pool.query('SELECT attempts FROM broadcast_deliveries WHERE broadcast_id = $1 AND member_id = $2', [
      broadcast!.id,
      members[0]!.id,
    ]);
    expect(attempts.rows).toEqual([{ attempts: 1 }]);
    rig.tg.alwaysFail.clear();
  });

  it('the message carries the tracked club link and the opt-out button; opted-out and held-out members get nothing', async () => {
    const members = await rig.members(20, () => ({ tags: ['round2'] }));
    await rig.w.services.members.setOptOut(rig.merchantId, members[0]!.id, true);
    const { campaign, broadcast } = await send({ tags: ['round2'] }, 'Yalda sale', { holdoutPercent: 50 });
    const done = await rig.waitUntil(broadcast!.id, (s) => s.status === 'done');
    expect(done.recipients + done.heldOut).toBe(19);
    expect(done.heldOut).toBeGreaterThan(0);
    expect(done.counts.sent).toBe(done.recipients);
    expect(rig.tg.received.has(members[0]!.chat)).toBe(false);
    const message = rig.tg.api
      .transcript(
        rig.w.services.merchants ? (await rig.w.services.merchants.telegramBots()).find((b) => b.merchantId === rig.merchantId)!.token : '',
        [...members].reverse().find((m) => rig.tg.received.has(m.chat))!.chat,
      )
      .messages.at(-1)!;
    const buttons = message.reply_markup!.inline_keyboard.flat();
    expect(buttons[0]).toMatchObject({ text: '🛍 ورود به باشگاه', url: `https://t.me/cafe_club_bot?start=s_c${campaign.id}` });
    expect(buttons.at(-1)).toMatchObject({ text: '🔕 پیام تبلیغاتی نفرست', callback_data: 'optout' });
  });

  it('pause stops the sends, resume finishes them without duplicates, cancel stops for good', async () => {
    const members = await rig.members(60, () => ({ tags: ['round3'] }));
    for (const m of members) rig.tg.slow.set(m.chat, 15); // about 60 messages a second
    const { broadcast } = await send({ tags: ['round3'] });
    await rig.waitUntil(broadcast!.id, (s) => s.counts.sent >= 10);
    await rig.w.services.broadcasts.pause(rig.merchantId, broadcast!.id);
    const paused = await rig.waitUntil(broadcast!.id, (s) => s.counts.sending === 0);
    await waitForDrainedQueues([sendQueue()]); // every queued send has run and found the pause
    const still = await rig.w.services.broadcasts.status(rig.merchantId, broadcast!.id);
    expect(still.status).toBe('paused');
    expect(still.counts.sent).toBe(paused.counts.sent);
    expect(still.counts.sent).toBeLessThan(60);
    await rig.w.services.broadcasts.resume(rig.merchantId, broadcast!.id);
    const done = await rig.waitUntil(broadcast!.id, (s) => s.status === 'done');
    expect(done.counts.sent).toBe(60);
    expect(members.every((m) => rig.tg.received.get(m.chat)?.length === 1)).toBe(true);

    const second = await send({ tags: ['round3'] }, 'second');
    await rig.waitUntil(second.broadcast!.id, (s) => s.counts.sent >= 5);
    await rig.w.services.broadcasts.cancel(rig.merchantId, second.broadcast!.id);
    await waitForDrainedQueues([sendQueue()]); // every queued send has run and found the cancel
    const cancelled = await rig.w.services.broadcasts.status(rig.merchantId, second.broadcast!.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.counts.sent + cancelled.counts.cancelled).toBe(60);
    expect(cancelled.counts.cancelled).toBeGreaterThan(0);
    const got = members.filter((m) => rig.tg.received.get(m.chat)!.includes('second')).length;
    expect(got).toBe(cancelled.counts.sent);
    await expect(rig.w.services.broadcasts.resume(rig.merchantId, second.broadcast!.id)).rejects.toMatchObject({ code: 'not_paused' });
    for (const m of members) rig.tg.slow.delete(m.chat);
  });

  it('a worker killed (SIGKILL) in the middle of a send: no second copy, nothing lost, the one in flight counted unknown', async () => {
    const members = await rig.members(12, () => ({ tags: ['round4'] }));
    await stopWorkers();
    const victim = members[5]!;
    rig.tg.slow.set(victim.chat, 1500);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/broadcast-worker-process.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: rig.w.db.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: rig.r.prefix,
        RATE: '200',
        ENCRYPTION_KEY: rig.w.secretKey,
        BOT_TOKEN: rig.token,
        API_ROOT: rig.apiRoot,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout!.on('data', (d) => String(d).includes('ready') && resolve()));
    const { broadcast } = await send({ tags: ['round4'] }, 'crash test');
    // The victim's send is in flight (Telegram answers it after 1.5 s): kill the worker now.
    await waitFor(async () => (rig.tg.arrived.has(victim.chat) ? true : undefined), 15_000, 20);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    stopWorkers = (await rig.start()).stop; // the restarted worker takes over the dead one's job
    const done = await rig.waitUntil(broadcast!.id, (s) => s.status === 'done', 20_000);
    expect(done.counts.sent + done.counts.unknown).toBe(12);
    expect(done.counts.unknown).toBe(1);
    expect(rig.tg.received.get(victim.chat)).toEqual(['crash test']); // Telegram got it once; we did not send it again
    expect(members.map((m) => rig.tg.received.get(m.chat))).toEqual(members.map(() => ['crash test']));
  }, 40_000);
});
