import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvent } from '../../src/db/repositories/outbox-store.js';
import { systemClock } from '../../src/domain/clock.js';
import { WebhookSender } from '../../src/jobs/webhooks/webhook-sender.js';
import { WebhookFanOut } from '../../src/jobs/webhooks/webhook-fanout.js';
import { createLogger } from '../../src/logger.js';
import { ROOT, waitFor } from '../helpers/process.js';
import { createTestWorld, type TestWorld } from '../helpers/services.js';
import { startReceiver, testPoster, type Receiver } from '../helpers/webhook-receiver.js';

let w: TestWorld;
let receiver: Receiver;

beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(async () => {
  await receiver?.close();
  await w.close();
});

const MEMBERS = ['0190a000-0000-7000-8000-00000000000a', '0190a000-0000-7000-8000-00000000000b', '0190a000-0000-7000-8000-00000000000c'];
const PER_MEMBER = 10;

describe('a webhook worker killed mid-delivery, and one that lives', () => {
  it('loses nothing: the delivery in flight is sent again after its lease, in order, and every event arrives', async () => {
    const merchantId = await w.newMerchant();
    const acked: { member: string; n: number }[] = [];
    let killNow: () => void = () => {};
    const killed = new Promise<void>((resolve) => (killNow = resolve));
    let hung = false;
    receiver = await startReceiver((r) => {
      const data = JSON.parse(r.body).data;
      // The 5th event of member b: the worker is killed while this request is open.
      if (!hung && data.member_id === MEMBERS[1] && data.to === 'tier-4') {
        hung = true;
        killNow();
        return 'hang';
      }
      acked.push({ member: data.member_id, n: Number(data.to.slice(5)) });
      return { status: 200 };
    });
    const endpoint = await w.services.webhookEndpoints.create(merchantId, { url: receiver.url(), events: ['tier.changed'] });

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/webhook-worker-process.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: w.db.url, ENCRYPTION_KEY: w.secretKey, LEASE_MS: '1500' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await once(child.stdout!, 'data');
    for (let i = 0; i < PER_MEMBER; i++)
      for (const member of MEMBERS)
        await insertEvent(w.db.pool, merchantId, 'tier.changed', { member_id: member, from: 'x', to: `tier-${i}`, direction: 'up' });

    await killed;
    child.kill('SIGKILL');
    await once(child, 'exit');

    // A fresh worker picks up what was left, the killed attempt once its lease is over.
    const { poster } = testPoster();
    const sender = new WebhookSender(
      { store: w.services.webhookDeliveries, poster, secretBox: w.secretBox, clock: systemClock, logger: createLogger('silent') },
      { pollMs: 50 },
    );
    await new WebhookFanOut(w.services.webhookDeliveries, systemClock, createLogger('silent')).drain();
    await sender.start();
    try {
      await waitFor(async () => {
        const { rows } = await w.db.pool.query("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered'");
        return rows[0].n === MEMBERS.length * PER_MEMBER ? true : undefined;
      }, 30_000);
    } finally {
      await sender.stop();
      await poster.close();
    }
    // At least once: an attempt the receiver answered but the killed worker never recorded comes
    // again (the same X-Bashgah-Delivery and event id), right after itself; never out of order.
    for (const member of MEMBERS) {
      const seen = acked.filter((a) => a.member === member).map((a) => a.n);
      expect(
        seen.every((n, i) => i === 0 || n >= seen[i - 1]!),
        `${member}: ${seen}`,
      ).toBe(true);
      expect([...new Set(seen)]).toEqual(Array.from({ length: PER_MEMBER }, (_, i) => i));
    }
    expect(acked.length - MEMBERS.length * PER_MEMBER).toBeLessThanOrEqual(4); // at most the attempts in flight
    const { rows } = await w.db.pool.query(
      'SELECT status, count(*)::int AS n, max(attempts) AS most FROM webhook_deliveries WHERE endpoint_id = $1 GROUP BY status',
      [endpoint.id],
    );
    expect(rows).toEqual([{ status: 'delivered', n: MEMBERS.length * PER_MEMBER, most: 2 }]);
  }, 60_000);

  it('a live worker keeps its slow attempt: a short lease is renewed, so a second worker does not send it again', async () => {
    const merchantId = await w.newMerchant();
    // Answers after three leases: without the heartbeat the other sender would claim it again.
    const slow = await startReceiver(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), 2_400)));
    const endpoint = await w.services.webhookEndpoints.create(merchantId, { url: slow.url(), events: ['tier.changed'] });
    const posters = [testPoster({ timeoutMs: 5_000 }).poster, testPoster({ timeoutMs: 5_000 }).poster];
    const senders = posters.map(
      (poster) =>
        new WebhookSender(
          { store: w.services.webhookDeliveries, poster, secretBox: w.secretBox, clock: systemClock, logger: createLogger('silent') },
          { leaseMs: 800, pollMs: 20 },
        ),
    );
    await insertEvent(w.db.pool, merchantId, 'tier.changed', { member_id: MEMBERS[0]!, from: 'x', to: 'tier-1', direction: 'up' });
    await new WebhookFanOut(w.services.webhookDeliveries, systemClock, createLogger('silent')).drain();
    await Promise.all(senders.map((s) => s.start()));
    try {
      await waitFor(async () => {
        const { rows } = await w.db.pool.query("SELECT status FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'delivered'", [
          endpoint.id,
        ]);
        return rows.length ? true : undefined;
      }, 30_000);
    } finally {
      await Promise.all(senders.map((s) => s.stop()));
      await Promise.all(posters.map((p) => p.close()));
      await slow.close();
    }
    expect(slow.received).toHaveLength(1);
    const { rows } = await w.db.pool.query('SELECT attempts FROM webhook_deliveries WHERE endpoint_id = $1', [endpoint.id]);
    expect(rows).toEqual([{ attempts: 1 }]);
  }, 60_000);
});
