// npm run bench:events — outgoing webhooks end to end: committed outbox rows → fan-out → signed
// POSTs to a receiver on loopback; receiver and workers each in a process of their own.
//   1. Throughput: BENCH_BACKLOG (20,000) purchase.recorded events already committed; deliveries/s
//      until the last one is answered.
//   2. Lag: purchases through PurchaseService at BENCH_RATE (500/s) for BENCH_SECONDS (20) over
//      BENCH_MEMBERS (5,000) members; lag = the receiver's first receipt − the purchase's commit.
//      BENCH_SOURCE=outbox commits the purchases' outbox rows straight (one INSERT, one commit
//      each) instead, when the machine cannot run 500 purchases/s beside everything else.
//      BENCH_WORKERS (2) worker processes, as worker replicas run; halfway one is SIGKILLed and a
//      new one started. Checks that every purchase arrived and that no member's purchases arrived
//      out of order.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { PgWebhookStore } from '../../src/db/repositories/webhook-store.js';
import { systemClock } from '../../src/domain/clock.js';
import { WebhookEndpointService } from '../../src/domain/webhooks/endpoint-service.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { fmt, freshBenchDatabase, phoneFor } from './bench-db.js';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 5_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const SOURCE = process.env.BENCH_SOURCE === 'outbox' ? 'outbox' : 'service';
const wallNow = () => performance.timeOrigin + performance.now();

const bench = await freshBenchDatabase(30);
const { services, db } = bench;
const pool = db.pool;
const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

// The receiver, in its own process: the first time each event arrives, and the order of first arrivals.
const firstSeen = new Map<string, number>();
const arrivals: { event: string; member: string; order: string }[] = [];
let requests = 0;
const receiver = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/events-receiver.ts'], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
children.add(receiver);
const [{ port }] = (await once(receiver, 'message')) as [{ port: number }];
receiver.on('message', (m: { arrivals: { event: string; member: string; order: string; at: number }[]; requests: number }) => {
  requests = m.requests;
  for (const a of m.arrivals) {
    firstSeen.set(a.event, a.at);
    arrivals.push(a);
  }
});

function startWorker(): Promise<ChildProcess> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof-events'] : [];
  const child = spawn(process.execPath, [...profile, 'scripts/bench/events-worker.mjs'], {
    env: { ...process.env, DATABASE_URL: bench.url, ENCRYPTION_KEY: bench.encryptionKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return once(child.stdout!, 'data').then(() => child);
}

/** A purchase.recorded payload built in SQL for member row `m` (what bashgah_ledger_apply writes, simplified). */
function purchasePayload(orderId: string, operation: string) {
  return `jsonb_build_object(
       'member_id', m.id, 'operation_id', ${operation}, 'kind', 'purchase', 'actor', 'bench',
       'entries', jsonb_build_array(jsonb_build_object('id', ${operation}, 'currency', 'points', 'amount', 10, 'balance_after', 10, 'reason', 'purchase')),
       'balances', jsonb_build_object('points', 10, 'coins', 0, 'credit', 0), 'shortfall', '{}'::jsonb, 'purchase_count', 1,
       'referrer_id', null, 'order_id', ${orderId}, 'amount', 100000, 'occurred_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       'branch', null, 'staff_code', null, 'voucher_code', null)`;
}
const OUTBOX_PURCHASE = `INSERT INTO outbox_events (merchant_id, type, payload)
  SELECT $1, 'purchase.recorded', ${purchasePayload('$3::text', '0')} FROM members m WHERE m.merchant_id = $1 AND m.phone = $2`;

async function until(done: () => Promise<boolean> | boolean, timeoutMs = 300_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

try {
  const merchant = await services.merchants.create({ name: 'Bench Shop', isDefault: true });
  await pool.query(
    `INSERT INTO members (id, merchant_id, phone, member_code, referral_code, first_name, status, tier, locale, joined_at)
     SELECT gen_random_uuid(), $1, '+98912' || lpad(i::text, 7, '0'), 'B' || lpad(i::text, 7, '0'), 'R' || lpad(i::text, 7, '0'), 'عضو ' || i, 'active', 'bronze', 'fa', now()
     FROM generate_series(0, $2::int - 1) AS i`,
    [merchant.id, MEMBERS],
  );
  const endpoints = new WebhookEndpointService({
    store: new PgWebhookStore(pool),
    secretBox: new SecretBox(bench.encryptionKey),
    clock: systemClock,
    allowPrivate: true,
  });
  await endpoints.create(merchant.id, { url: `http://127.0.0.1:${port}/hook`, events: ['purchase.recorded'] });
  await pool.query('ANALYZE');

  // 1. A committed backlog, then the worker: deliveries per second.
  await pool.query(
    `INSERT INTO outbox_events (merchant_id, type, payload)
     SELECT $1, 'purchase.recorded', ${purchasePayload("'backlog-' || i", 'i')}
     FROM generate_series(1, $2::int) AS i JOIN members m ON m.phone = '+98912' || lpad((i % $3)::text, 7, '0')`,
    [merchant.id, BACKLOG, MEMBERS],
  );
  let t0 = performance.now();
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker()));
  const started = performance.now();
  await until(() => firstSeen.size >= BACKLOG);
  const throughput = BACKLOG / ((performance.now() - started) / 1000);
  console.log(
    `outgoing webhooks benchmark: receiver on loopback, ${WORKERS} worker process(es) (fan-out + sender, 32 in flight each), ${fmt(MEMBERS)} members`,
  );
  console.log(
    `1. backlog of ${fmt(BACKLOG)} committed events: ${fmt(throughput)} deliveries/s (worker start ${fmt(started - t0)} ms not counted)`,
  );

  // 2. Purchases at RATE/s; the worker is killed halfway and replaced.
  firstSeen.clear();
  arrivals.length = 0;
  const requestsBefore = requests;
  const total = RATE * SECONDS;
  const committedAt = new Map<string, number>();
  const t0Wall = wallNow();
  let killedAt = 0;
  let restartMs = 0;
  let next = 0;
  t0 = performance.now();
  const restart = (async () => {
    await until(() => next >= total / 2);
    workers[0]!.kill('SIGKILL');
    killedAt = performance.now();
    workers[0] = await startWorker();
    restartMs = performance.now() - killedAt;
  })();
  const inFlight = new Set<Promise<void>>();
  let late = 0;
  while (next < total) {
    const k = next++;
    const due = t0 + (k * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else if (wait < -100) late++;
    const member = (k * 7919) % MEMBERS;
    const orderId = `live-${k}`;
    const p = (
      SOURCE === 'service'
        ? services.purchases.record(merchant.id, { orderId, phone: phoneFor(member), amount: 100_000, branch: 'main' }, 'bench')
        : pool.query(OUTBOX_PURCHASE, [merchant.id, phoneFor(member), orderId])
    )
      .then(() => void committedAt.set(orderId, wallNow()))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 200) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const offered = total / ((performance.now() - t0) / 1000);
  await restart;
  await until(() => arrivals.length >= total, 120_000);
  const liveRows = "FROM webhook_deliveries WHERE event_id IN (SELECT id FROM outbox_events WHERE payload->>'order_id' LIKE 'live-%')";
  await until(async () => (await pool.query(`SELECT count(*)::int AS n ${liveRows} AND status = 'pending'`)).rows[0].n === 0);

  const lags = arrivals.map((a) => firstSeen.get(a.event)! - committedAt.get(a.order)!).sort((a, b) => a - b);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))]!;
  // The lag by when the purchase was committed: where a backlog built (around the kill, or before).
  const windows = new Map<number, number[]>();
  for (const a of arrivals) {
    const at = committedAt.get(a.order)!;
    const w = Math.floor((at - t0Wall) / 2000);
    windows.set(w, [...(windows.get(w) ?? []), firstSeen.get(a.event)! - at]);
  }
  const byWindow = [...windows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([w, l]) => {
      l.sort((a, b) => a - b);
      return `${w * 2}–${w * 2 + 2} s p99 ${fmt(l[Math.floor(0.99 * l.length)]!)}`;
    });
  // Per member, the purchases arrived in the order they were recorded?
  const byMember = new Map<string, number[]>();
  for (const a of arrivals) byMember.set(a.member, [...(byMember.get(a.member) ?? []), Number(a.order.slice(5))]);
  let reordered = 0;
  for (const orders of byMember.values()) for (let i = 1; i < orders.length; i++) if (orders[i]! < orders[i - 1]!) reordered++;
  const { rows } = await pool.query(
    `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, count(*) FILTER (WHERE attempts > 1)::int AS again ${liveRows}`,
  );
  console.log(
    `2. ${fmt(total)} purchases (${SOURCE === 'service' ? 'PurchaseService' : 'outbox rows committed straight'}) at ${fmt(offered)}/s offered (goal ${RATE}/s; ${late} started >100 ms late), a worker SIGKILLed after ${fmt((killedAt - t0) / 1000, 1)} s, its replacement ready ${fmt(restartMs)} ms later`,
  );
  console.log(
    `   commit → delivery lag: p50 ${fmt(pct(50))} ms, p90 ${fmt(pct(90))} ms, p99 ${fmt(pct(99))} ms, max ${fmt(lags[lags.length - 1]!)} ms (goal p99 ≤ 2,000 ms)`,
  );
  console.log(`   p99 lag by commit time: ${byWindow.join(', ')}`);
  console.log(
    `   arrived ${fmt(arrivals.length)} of ${fmt(total)} (lost: ${total - arrivals.length}), reordered per member: ${reordered}, delivered rows ${fmt(rows[0].delivered)}, sent more than once ${rows[0].again}, requests received ${fmt(requests - requestsBefore)}`,
  );
} finally {
  for (const c of children) c.kill(process.env.BENCH_PROFILE ? 'SIGTERM' : 'SIGKILL');
  await new Promise((r) => setTimeout(r, process.env.BENCH_PROFILE ? 2000 : 0));
  await bench.drop();
}
