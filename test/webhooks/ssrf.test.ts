import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, webhookUrlProblem } from '../../src/lib/public-address.js';
import { GuardedPoster } from '../../src/jobs/webhooks/guarded-post.js';
import { startReceiver, testPoster, type Receiver } from '../helpers/webhook-receiver.js';

// Only loopback is ever connected to: private names resolve from a table, and literal private
// addresses are refused before any socket exists.
let receiver: Receiver;
let guard: ReturnType<typeof testPoster>;

beforeAll(async () => {
  receiver = await startReceiver((r) => {
    const to = new URL(r.path, 'http://x').searchParams.get('to');
    return to ? { status: 302, location: to } : { status: 200, body: 'ok' };
  });
  guard = testPoster({
    names: { 'internal.test': '10.0.0.5', 'metadata.test': '169.254.169.254', 'loop.test': '127.0.0.1', 'mapped.test': '::ffff:10.1.1.1' },
  });
});
afterAll(async () => {
  await guard.poster.close();
  await receiver.close();
});

const post = (url: string) => guard.poster.post(url, { 'content-type': 'application/json' }, '{}');

describe('SSRF guard', () => {
  it('knows public addresses from loopback, private, shared, link-local, unspecified, multicast and IPv4-mapped ones', () => {
    for (const a of ['8.8.8.8', '2001:4860:4860::8888', '185.143.232.10']) expect(isPublicAddress(a), a).toBe(true);
    for (const a of [
      '127.0.0.1',
      '127.8.8.8',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      'not an address',
    ])
      expect(isPublicAddress(a), a).toBe(false);
    // The URL parser normalises the odd spellings of 127.0.0.1 before the check.
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/'])
      expect(webhookUrlProblem(url, false), url).toBe('private_address');
    expect(webhookUrlProblem('http://127.0.0.1/', true)).toBeNull();
  });

  it('refuses 127.0.0.1, 10.x and 169.254.x in the URL before connecting', async () => {
    const before = receiver.received.length;
    for (const url of [
      `http://127.0.0.1:${receiver.port}/hook`,
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data',
      `http://[::1]:${receiver.port}/`,
    ]) {
      const result = await post(url);
      expect(result, url).toEqual({ error: expect.stringContaining('address not allowed') });
    }
    expect(receiver.received.length).toBe(before);
  });

  it('refuses a name that resolves to a private address (the lookup the socket uses)', async () => {
    for (const host of ['internal.test', 'metadata.test', 'loop.test', 'mapped.test']) {
      const result = await post(`http://${host}:${receiver.port}/hook`);
      expect(result, host).toEqual({ error: expect.stringContaining(`address not allowed: ${host}`) });
    }
    expect(guard.lookups).toEqual(expect.arrayContaining(['internal.test', 'metadata.test', 'loop.test', 'mapped.test']));
  });

  it('follows a redirect only to an allowed address, checking every hop', async () => {
    const from = (to: string) => receiver.url(`/r?to=${encodeURIComponent(to)}`);
    for (const to of [
      `http://127.0.0.1:${receiver.port}/hook`,
      'http://10.0.0.9/',
      'http://169.254.169.254/latest',
      `http://internal.test:${receiver.port}/`,
    ]) {
      const before = receiver.received.length;
      expect(await post(from(to)), to).toEqual({ error: expect.stringContaining('address not allowed') });
      expect(receiver.received.length - before).toBe(1); // the first hop only
    }
    expect(await post(from('ftp://receiver.test/x'))).toEqual({ error: expect.stringContaining('not an http(s) URL') });
    // Allowed hops are followed (the same POST again), up to three.
    expect(await post(from(receiver.url('/final')))).toEqual({ status: 200, body: 'ok' });
    const chain = from(from(from(from(receiver.url('/final')))));
    expect(await post(chain)).toMatchObject({ status: 302, body: expect.stringContaining('too many redirects') });
  });

  it('with private addresses allowed (WEBHOOKS_ALLOW_PRIVATE=1, the demo) loopback is reached', async () => {
    const open = new GuardedPoster({ allowPrivate: true });
    try {
      expect(await open.post(`http://127.0.0.1:${receiver.port}/open`, {}, '{}')).toEqual({ status: 200, body: 'ok' });
    } finally {
      await open.close();
    }
  });
});
