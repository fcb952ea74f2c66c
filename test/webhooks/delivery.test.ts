import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventEnvelopeSchema } from '../../src/domain/events/catalog.js';
import { verifyWebhookSignature } from '../../src/http/auth/signature.js';
import { WebhookFanOut } from '../../src/jobs/webhooks/webhook-fanout.js';
import { WebhookSender } from '../../src/jobs/webhooks/webhook-sender.js';
import { webhookEndpointAlerts } from '../../src/jobs/webhooks/endpoint-alerts.js';
import { createLogger } from '../../src/logger.js';
import { drainEvents } from '../helpers/events.js';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { newPhone } from '../helpers/services.js';
import { waitFor } from '../helpers/process.js';
import { startReceiver, testPoster, type Receiver } from '../helpers/webhook-receiver.js';

const logger = createLogger('silent');
const HOUR = 3_600_000;
let t: TestApi;
let receiver: Receiver;
let fanOut: WebhookFanOut;
let sender: WebhookSender;
let closePoster: () => Promise<void>;

beforeAll(async () => {
  t = await createTestApi();
  receiver = await startReceiver();
  const { poster } = testPoster({ timeoutMs: 300 });
  closePoster = () => poster.close();
  const store = t.w.services.webhookDeliveries;
  fanOut = new WebhookFanOut(store, t.w.clock, logger);
  sender = new WebhookSender({ store, poster, secretBox: t.w.secretBox, clock: t.w.clock, logger }, { concurrency: 8 });
});
afterAll(async () => {
  await closePoster();
  await receiver.close();
  await t.close();
});
afterEach(() => receiver.answer(() => ({ status: 200, body: 'ok' })));

/** A new merchant with one endpoint at the receiver; returns its API key, id and secret. */
async function merchantWithEndpoint(events: string[] = ['purchase.recorded'], path = '/hook') {
  const m = await t.newMerchant();
  const res = await t.api('POST', '/v1/webhook-endpoints', { url: receiver.url(path), events, description: 'shop' }, m.apiKey);
  expect(res.statusCode).toBe(201);
  const endpoint = res.json();
  return { m, endpoint, secret: endpoint.secret as string };
}

const purchase = (m: { id: string; webhookSecret: string }, orderId: string, phone = newPhone(), amount = 500_000) =>
  t.webhook('/v1/webhooks/purchases', { orderId, phone, amount }, { merchant: m });

/** Everything committed so far goes out: fan-out, then every due attempt. */
async function deliverAll() {
  await fanOut.drain();
  return sender.drain();
}

const deliveries = async (m: { apiKey: string }, endpointId: string) => {
  const res = await t.api('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`, undefined, m.apiKey);
  expect(res.statusCode).toBe(200);
  return res.json().deliveries as Record<string, unknown>[];
};

const forPath = (path: string) => receiver.received.filter((r) => r.path === path);

describe('outgoing webhooks', () => {
  it('a purchase reaches the endpoint signed like inbound webhooks, with the typed event and its API version', async () => {
    const { m, endpoint, secret } = await merchantWithEndpoint(['purchase.recorded'], '/signed');
    expect(secret).toMatch(/^whsec_/);
    expect((await t.api('GET', `/v1/webhook-endpoints/${endpoint.id}`, undefined, m.apiKey)).json().secret).toBeUndefined();
    expect((await purchase(m, 'sig-1')).statusCode).toBe(200);
    expect(await deliverAll()).toBe(1);

    const [req] = forPath('/signed');
    expect(req).toBeDefined();
    expect(req!.headers['x-bashgah-event']).toBe('purchase.recorded');
    const check = verifyWebhookSignature({
      secrets: [secret],
      timestamp: req!.headers['x-bashgah-timestamp'] as string,
      header: req!.headers['x-bashgah-signature'] as string,
      rawBody: req!.body,
      nowSeconds: Math.floor(t.w.clock.now().getTime() / 1000),
      toleranceSeconds: 300,
    });
    expect(check).toBe('ok');
    const body = eventEnvelopeSchema('purchase.recorded').parse(JSON.parse(req!.body));
    expect(body.data.order_id).toBe('sig-1');
    expect(body.id).toMatch(/^evt_\d+$/);

    const [d] = await deliveries(m, endpoint.id);
    expect(d).toMatchObject({
      id: req!.headers['x-bashgah-delivery'],
      eventId: body.id,
      status: 'delivered',
      attempts: 1,
      lastResponseStatus: 200,
      lastResponseBody: 'ok',
    });
  });

  it('retries after a 500 and after a timeout, with backoff, until a 2xx', async () => {
    const { m, endpoint } = await merchantWithEndpoint(['purchase.recorded'], '/flaky');
    let n = 0;
    receiver.answer((r) =>
      r.path !== '/flaky' ? { status: 200 } : ++n === 1 ? { status: 500, body: 'database down' } : n === 2 ? 'hang' : { status: 204 },
    );
    await purchase(m, 'retry-1');
    await deliverAll();
    let [d] = await deliveries(m, endpoint.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastResponseStatus: 500, lastResponseBody: 'database down' });
    expect(new Date(d!.nextAttemptAt as string).getTime()).toBeGreaterThan(t.w.clock.now().getTime());
    expect(await sender.drain()).toBe(0); // not due yet

    t.w.clock.advance(60_000);
    await sender.drain();
    [d] = await deliveries(m, endpoint.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 2, lastResponseStatus: null });
    expect(d!.lastError).toMatch(/timed out/);

    t.w.clock.advance(2 * 60_000);
    await sender.drain();
    [d] = await deliveries(m, endpoint.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastResponseStatus: 204 });
    expect(forPath('/flaky')).toHaveLength(3);
    expect(new Set(forPath('/flaky').map((r) => r.headers['x-bashgah-delivery'])).size).toBe(1); // the same delivery each time
  });

  it('a 410 disables the endpoint and tells its owners in admin mode; nothing goes out until it is turned on again', async () => {
    const { m, endpoint } = await merchantWithEndpoint(['purchase.recorded'], '/gone');
    receiver.answer((r) => (r.path === '/gone' ? { status: 410, body: 'no such hook' } : { status: 200 }));
    await purchase(m, 'gone-1');
    await deliverAll();
    const off = (await t.api('GET', `/v1/webhook-endpoints/${endpoint.id}`, undefined, m.apiKey)).json();
    expect(off).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect((await deliveries(m, endpoint.id))[0]).toMatchObject({ status: 'failed', lastResponseStatus: 410 });

    // The owner is told in the bot.
    const { code } = await t.w.services.operators.invite(m.id, 'owner', null, 'test');
    await t.w.services.operators.link(m.id, code, '777001', 'Owner');
    const sent: { chatId: string; text: string }[] = [];
    const alerts = webhookEndpointAlerts({
      operators: t.w.services.operators,
      chat: { send: async (_m, chatId, screen) => void sent.push({ chatId, text: screen.text }) },
      defaultLocale: 'en',
      logger,
    });
    const events = await drainEvents(t.w.db, [alerts]);
    expect(events.filter((e) => e.type === 'webhook_endpoint.disabled' && e.merchantId === m.id)).toHaveLength(1);
    expect(sent).toEqual([{ chatId: '777001', text: expect.stringContaining('410') }]);

    // While it is off nothing is sent; on again, an event from before goes out.
    receiver.answer(() => ({ status: 200 }));
    await purchase(m, 'gone-2');
    await deliverAll();
    expect(forPath('/gone')).toHaveLength(1);
    const on = await t.api('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { enabled: true }, m.apiKey);
    expect(on.json()).toMatchObject({ enabled: true, disabledReason: null });
    await purchase(m, 'gone-3');
    await deliverAll();
    expect(forPath('/gone').map((r) => JSON.parse(r.body).data.order_id)).toEqual(['gone-1', 'gone-3']);
  });

  it('an endpoint failing for 3 days is disabled, and the delivery ends as failed', async () => {
    const { m, endpoint } = await merchantWithEndpoint(['purchase.recorded'], '/down');
    receiver.answer((r) => (r.path === '/down' ? { status: 503 } : { status: 200 }));
    await purchase(m, 'down-1');
    await fanOut.drain();
    for (let i = 0; i < 40; i++) {
      await sender.drain();
      t.w.clock.advance(6 * HOUR);
    }
    const [d] = await deliveries(m, endpoint.id);
    expect(d!.status).toBe('failed');
    expect(d!.attempts).toBeGreaterThan(8);
    const ep = (await t.api('GET', `/v1/webhook-endpoints/${endpoint.id}`, undefined, m.apiKey)).json();
    expect(ep).toMatchObject({ enabled: false, disabledReason: 'failing' });
    expect(new Date(ep.disabledAt).getTime() - new Date(ep.failingSince).getTime()).toBeGreaterThanOrEqual(72 * HOUR);
    const { rows } = await t.w.db.pool.query(
      "SELECT payload FROM outbox_events WHERE type = 'webhook_endpoint.disabled' AND merchant_id = $1",
      [m.id],
    );
    expect(rows.map((r) => r.payload.reason)).toEqual(['failing']);
  });

  it('replays a delivered event through the retry endpoint: the same event id, a new delivery id', async () => {
    const { m, endpoint } = await merchantWithEndpoint(['purchase.recorded'], '/replay');
    await purchase(m, 'replay-1');
    await deliverAll();
    const [first] = await deliveries(m, endpoint.id);
    const res = await t.api('POST', `/v1/webhook-deliveries/${first!.id}/retry`, undefined, m.apiKey);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'pending', replayOf: expect.any(String), eventId: first!.eventId });
    await sender.drain();
    const got = forPath('/replay');
    expect(got).toHaveLength(2);
    expect(got[1]!.body).toBe(got[0]!.body);
    expect(got[1]!.headers['x-bashgah-delivery']).not.toBe(got[0]!.headers['x-bashgah-delivery']);
    expect((await t.api('POST', '/v1/webhook-deliveries/0190a000-0000-7000-8000-000000000000/retry', undefined, m.apiKey)).statusCode).toBe(
      404,
    );
    // Another merchant cannot see or replay it.
    const other = await t.newMerchant();
    expect((await t.api('POST', `/v1/webhook-deliveries/${first!.id}/retry`, undefined, other.apiKey)).statusCode).toBe(404);
    expect((await t.api('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`, undefined, other.apiKey)).statusCode).toBe(404);
  });

  it('sends a sample event on request, and signs with both secrets while a rotation overlaps', async () => {
    const { m, endpoint, secret: old } = await merchantWithEndpoint(['member.joined'], '/rotate');
    const rotated = await t.api('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { overlap_hours: 24 }, m.apiKey);
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json().secret as string;
    expect(fresh).not.toBe(old);
    expect((await t.api('POST', `/v1/webhook-endpoints/${endpoint.id}/test`, undefined, m.apiKey)).statusCode).toBe(202);
    await sender.drain();
    const [req] = forPath('/rotate');
    expect(JSON.parse(req!.body)).toMatchObject({ type: 'purchase.recorded', id: expect.stringMatching(/^evt_test_/) });
    const header = req!.headers['x-bashgah-signature'] as string;
    expect(header.split(',')).toHaveLength(2);
    const verify = (secrets: string[], r = req!) =>
      verifyWebhookSignature({
        secrets,
        timestamp: r.headers['x-bashgah-timestamp'] as string,
        header: r.headers['x-bashgah-signature'] as string,
        rawBody: r.body,
        nowSeconds: Number(r.headers['x-bashgah-timestamp']),
        toleranceSeconds: 300,
      });
    expect(verify([fresh])).toBe('ok');
    expect(verify([old])).toBe('ok');

    t.w.clock.advance(25 * HOUR);
    await t.api('POST', `/v1/webhook-endpoints/${endpoint.id}/test`, undefined, m.apiKey);
    await sender.drain();
    const later = forPath('/rotate')[1]!;
    expect((later.headers['x-bashgah-signature'] as string).split(',')).toHaveLength(1);
    expect(verify([fresh], later)).toBe('ok');
    expect(verify([old], later)).toBe('invalid_signature');
  });

  it('keeps each member’s order under concurrency: a later event waits for the earlier one, through failures', async () => {
    const { m, endpoint } = await merchantWithEndpoint(['purchase.recorded'], '/order');
    const accepted: { phone: string; order: number }[] = [];
    receiver.answer((r) => {
      if (r.path !== '/order') return { status: 200 };
      if (Math.random() < 0.3) return { status: 500 };
      const data = JSON.parse(r.body).data;
      accepted.push({ phone: data.member_id, order: Number(data.order_id.split('-')[2]) });
      return { status: 200 };
    });
    const phones = [newPhone(), newPhone(), newPhone()];
    // Each member's purchases are made one after another; the members run side by side.
    await Promise.all(
      phones.map(async (phone, p) => {
        for (let i = 0; i < 15; i++) expect((await purchase(m, `ord-${p}-${i}`, phone, 100_000)).statusCode).toBe(200);
      }),
    );
    const store = t.w.services.webhookDeliveries;
    const { poster } = testPoster({ timeoutMs: 2_000 });
    const senders = [0, 1, 2].map(
      () => new WebhookSender({ store, poster, secretBox: t.w.secretBox, clock: t.w.clock, logger }, { concurrency: 6, delayMs: () => 0 }),
    );
    await fanOut.drain();
    for (let round = 0; round < 200 && accepted.length < 45; round++) await Promise.all(senders.map((s) => s.runOnce()));
    await poster.close();
    expect(accepted).toHaveLength(45);
    const byMember = new Map<string, number[]>();
    for (const a of accepted) byMember.set(a.phone, [...(byMember.get(a.phone) ?? []), a.order]);
    expect([...byMember.values()]).toEqual([0, 1, 2].map(() => Array.from({ length: 15 }, (_, i) => i)));
    expect((await deliveries(m, endpoint.id)).every((d) => d.status === 'delivered')).toBe(true);
  });

  it('only events the endpoint takes, of its own club; nothing for a rolled-back change', async () => {
    const { m, endpoint } = await merchantWithEndpoint(['tier.changed'], '/filtered');
    const star = await t.api('POST', '/v1/webhook-endpoints', { url: receiver.url('/star'), events: ['*'] }, m.apiKey);
    expect(star.json().events).toEqual(['*']);
    await purchase(m, 'f-1');
    // An event written in a transaction that rolls back never existed.
    const client = await t.w.db.pool.connect();
    await client.query('BEGIN');
    await client.query("INSERT INTO outbox_events (merchant_id, type, payload) VALUES ($1, 'tier.changed', $2)", [
      m.id,
      JSON.stringify({ member_id: m.id, from: 'bronze', to: 'silver', direction: 'up' }),
    ]);
    await client.query('ROLLBACK');
    client.release();
    await deliverAll();
    expect(forPath('/filtered')).toHaveLength(0);
    expect(forPath('/star').map((r) => JSON.parse(r.body).data.order_id)).toEqual(['f-1']);
    expect(await deliveries(m, endpoint.id)).toEqual([]);
  });

  it('validates endpoints: http(s) only, known event types, no private addresses; PATCH and DELETE', async () => {
    const m = await t.newMerchant();
    const create = (body: unknown) => t.api('POST', '/v1/webhook-endpoints', body, m.apiKey);
    expect((await create({ url: 'ftp://shop.example/hook', events: ['*'] })).json().error.code).toBe('invalid_webhook_url');
    expect((await create({ url: 'https://user:pw@shop.example/hook', events: ['*'] })).json().error.code).toBe('invalid_webhook_url');
    expect((await create({ url: 'https://shop.example/hook', events: ['purchase.made'] })).json().error.code).toBe('unknown_event_type');
    for (const url of [
      'http://127.0.0.1/hook',
      'http://10.0.0.8/hook',
      'http://169.254.169.254/latest',
      'http://[::1]/',
      'http://[::ffff:10.0.0.1]/',
      'http://localhost:3000/',
    ]) {
      const res = await create({ url, events: ['*'] });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error.code).toBe('webhook_url_not_allowed');
    }
    const ok = (await create({ url: 'https://shop.example/hook', events: ['tier.changed', 'purchase.recorded'] })).json();
    expect(ok.events).toEqual(['purchase.recorded', 'tier.changed']);
    const patched = await t.api('PATCH', `/v1/webhook-endpoints/${ok.id}`, { description: 'CRM', enabled: false }, m.apiKey);
    expect(patched.json()).toMatchObject({ description: 'CRM', enabled: false, disabledReason: 'merchant' });
    expect((await t.api('GET', '/v1/webhook-endpoints', undefined, m.apiKey)).json().endpoints).toHaveLength(1);
    expect((await t.api('DELETE', `/v1/webhook-endpoints/${ok.id}`, undefined, m.apiKey)).statusCode).toBe(204);
    expect((await t.api('GET', `/v1/webhook-endpoints/${ok.id}`, undefined, m.apiKey)).statusCode).toBe(404);
  });

  it('beside busy requests (ROLE=all) the fan-out holds events back, and makes their deliveries once the requests stop', async () => {
    const { m, endpoint } = await merchantWithEndpoint(['purchase.recorded'], '/busy');
    let busy = true;
    let looks = 0;
    const yielding = new WebhookFanOut(t.w.services.webhookDeliveries, t.w.clock, logger, {
      pollMs: 10,
      maxDelayMs: 600_000,
      yieldWhile: () => {
        looks++;
        return busy;
      },
    });
    expect((await purchase(m, 'busy-1')).statusCode).toBe(200);
    await yielding.start();
    try {
      await waitFor(async () => (looks >= 5 ? true : undefined));
      expect(await deliveries(m, endpoint.id)).toEqual([]);
      busy = false;
      const made = await waitFor(async () => {
        const found = await deliveries(m, endpoint.id);
        return found.length ? found : undefined;
      });
      expect(made.map((d) => d.type)).toEqual(['purchase.recorded']);
    } finally {
      await yielding.stop();
    }
  });
});
