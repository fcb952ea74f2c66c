import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotApiError } from '../../src/channels/telegram/local/local-bot-api.js';
import { createBroadcastRig, type BroadcastRig } from '../campaigns/broadcast-engine.js';

let rig: BroadcastRig;
beforeAll(async () => {
  rig = await createBroadcastRig({ ratePerSecond: 200, channel: 'bale' });
  await rig.start();
});
afterAll(() => rig.close());

const send = (segment: object, text: string) =>
  rig.w.services.campaigns.create(rig.merchantId, { kind: 'message', name: 'bale', segment, message: { text } }, 'test');

describe('broadcasts on Bale', () => {
  it("go out on the club's Bale bot from its own queue, once each; a 429 pauses that bot for retry_after and a 403 marks the member unreachable", async () => {
    const members = await rig.members(20, () => ({ tags: ['bale-round'] }));
    rig.tg.alwaysFail.set(members[0]!.chat, new BotApiError(403, 'Forbidden: bot was blocked by the user'));
    rig.tg.rateLimitAt = { n: 6, seconds: 1 };

    const { broadcast, recipients } = await send({ tags: ['bale-round'] }, 'سلام از بله');
    expect(recipients).toBe(20);
    const done = await rig.waitUntil(broadcast!.id, (s) => s.status === 'done');
    expect(done.counts).toMatchObject({ sent: 19, blocked: 1, failed: 0, unknown: 0 });
    const channels = await rig.w.db.pool.query('SELECT DISTINCT channel::text FROM broadcast_deliveries WHERE broadcast_id = $1', [
      broadcast!.id,
    ]);
    expect(channels.rows).toEqual([{ channel: 'bale' }]);
    expect(rig.tg.maxCopies()).toBe(1);
    expect(rig.tg.earlySends).toBe(0);
    expect(rig.tg.received.get(members[1]!.chat)).toEqual(['سلام از بله']);
    const blocked = await rig.w.db.pool.query(
      'SELECT channel::text, unreachable_at IS NOT NULL AS out FROM channel_identities WHERE member_id = $1',
      [members[0]!.id],
    );
    expect(blocked.rows).toEqual([{ channel: 'bale', out: true }]);
    // Bale's own queue and limiter: Telegram's queue for this club stayed empty.
    expect(await rig.w.broadcastQueues!.sendQueue(rig.merchantId, 'telegram').count()).toBe(0);
    const keys = await rig.r.redis.keys(`${rig.r.prefix}:bale-rate:*`);
    expect(keys.length).toBe(1);
    expect(await rig.r.redis.keys(`${rig.r.prefix}:tg-rate:*`)).toEqual([]);
    rig.tg.alwaysFail.clear();
    rig.tg.rateLimitAt = null;
  });
});
