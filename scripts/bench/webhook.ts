// npm run bench:webhook — signed purchase webhooks against a real server process: throughput
// and latency at concurrency 10/40/100, the same SQL straight through pg as the reference,
// and a replay storm (1,000 orderIds × 10 in parallel) that must credit each order once.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { signWebhook } from '../../src/http/auth/signature.js';
import { evaluateEarningRules } from '../../src/domain/rules/evaluate.js';
import { DEFAULT_SETTINGS } from '../../src/domain/merchants/settings.js';
import { contentHash } from '../../src/lib/canonical-hash.js';
import { tehranDay } from '../../src/lib/jalali.js';
import { tierOptions } from '../../src/domain/tiers/tiers.js';
import { fmt, freshBenchDatabase, phoneFor, runConcurrent } from './bench-db.js';

const MEMBERS = 1_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6_000);
const LEVELS = [10, 40, 100];

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  s.close();
  return port;
}

const bench = await freshBenchDatabase(20);
const { services, db } = bench;
const merchant = await services.merchants.create({ name: 'Bench Shop', isDefault: true });
const memberIds: string[] = [];
for (let i = 0; i < MEMBERS; i++) memberIds.push((await services.members.ensurePending(merchant.id, phoneFor(i))).member.id);
// Fresh tables: give the planner statistics before measuring anything.
await db.pool.query('ANALYZE');

const port = await freePort();
const server = spawn(
  process.execPath,
  [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--import', 'tsx', 'src/main.ts'],
  {
    env: {
      ...process.env,
      ROLE: 'api',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: bench.url,
      ENCRYPTION_KEY: bench.encryptionKey,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '1000000',
      REDIS_PREFIX: `bench-${randomBytes(3).toString('hex')}`,
      DATA_DIR: `/tmp/bashgah-bench-${process.pid}`,
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'inherit', 'ignore'],
  },
);
process.on('exit', () => server.kill('SIGKILL'));
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {
    if (i > 200) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

let seq = 0;
function signedPurchase(orderId: string, member: number) {
  const body = JSON.stringify({
    orderId,
    phone: `0${phoneFor(member).slice(3)}`,
    amount: 100_000 + (member % 50) * 10_000,
    branch: 'main',
  });
  const ts = Math.floor(Date.now() / 1000);
  return {
    method: 'POST' as const,
    path: '/v1/webhooks/purchases',
    headers: {
      'content-type': 'application/json',
      'x-bashgah-merchant': merchant.id,
      'x-bashgah-timestamp': String(ts),
      'x-bashgah-signature': `v1=${signWebhook(merchant.webhookSecret, ts, body)}`,
    },
    body,
  };
}

async function fire(requests: ReturnType<typeof signedPurchase>[], connections: number) {
  let i = 0;
  const started = performance.now();
  let last = started;
  // autocannon notices the end of an `amount` run on its one-second tick; time the last response instead.
  const run = autocannon({
    url: base,
    connections,
    amount: requests.length,
    requests: [{ setupRequest: (req) => ({ ...req, ...requests[i++ % requests.length] }) }],
  });
  run.on('response', () => {
    last = performance.now();
  });
  const result = await run;
  return { ...result, perSecond: requests.length / ((last - started) / 1000) };
}

console.log(`webhook benchmark: ${REQUESTS} signed purchases per level, ${MEMBERS} members, server in its own process (ROLE=api)`);
console.log('concurrency | HTTP req/s | p50 ms | p99 ms | non-2xx | direct pg ops/s | p50 ms | p99 ms | HTTP/direct');
const settings = DEFAULT_SETTINGS;
const directTiers: string[] = [];
const tiers = tierOptions(settings.tiers);
for (const connections of LEVELS) {
  await fire(
    Array.from({ length: 2_000 }, (_, k) => signedPurchase(`warm-${connections}-${k}`, k % MEMBERS)),
    connections,
  );
  const requests = Array.from({ length: REQUESTS }, (_, k) => signedPurchase(`o-${connections}-${k}`, (k * 7919) % MEMBERS));
  const http = await fire(requests, connections);

  // The reference: the purchase path's SQL (one bashgah_ledger_apply call naming the member by
  // phone, with the tier the rules assumed) sent straight through pg by as many callers.
  const direct = await runConcurrent(REQUESTS, connections, async (k) => {
    const member = (k * 7919) % MEMBERS;
    const orderId = `d-${connections}-${k}`;
    const amount = 100_000 + (member % 50) * 10_000;
    const occurredAt = new Date();
    for (;;) {
      const tier = directTiers[member] ?? 'bronze';
      const earning = evaluateEarningRules(settings.earning, { amount, occurredAt, branch: 'main', tier });
      const { rows } = await db.pool.query('SELECT bashgah_ledger_apply($1, $2, $3, $4, $5, $6, $7, $8) AS out', [
        merchant.id,
        null,
        `purchase:${orderId}`,
        contentHash({ orderId, amount }),
        'purchase',
        'webhook',
        JSON.stringify([
          { currency: 'points', amount: earning.points, mode: 'earn', reason: 'purchase', ref_type: 'purchase', ref_id: orderId },
        ]),
        JSON.stringify({
          member: { phone: phoneFor(member) },
          expected_tier: tier,
          day: tehranDay(occurredAt),
          tiers,
          result: { rules: earning.applied.map((r) => r.id) },
          purchase: { order_id: orderId, amount, branch: 'main', occurred_at: occurredAt.toISOString(), rules: earning.applied },
          event_type: 'purchase.recorded',
          event: { order_id: orderId, amount, branch: 'main', staff_code: null, voucher_code: null },
        }),
      ]);
      // As the service does: a tier that changed meanwhile means evaluate again.
      if (rows[0].out.tier_mismatch) {
        directTiers[member] = rows[0].out.tier;
        continue;
      }
      directTiers[member] = rows[0].out.result.tier;
      return;
    }
  });
  const httpRate = http.perSecond;
  const ok = http['2xx'];
  console.log(
    `${String(connections).padStart(11)} | ${fmt(httpRate).padStart(10)} | ${fmt(http.latency.p50, 1).padStart(6)} | ${fmt(http.latency.p99, 1).padStart(6)} | ${String(http.non2xx).padStart(7)} | ${fmt(direct.perSecond).padStart(15)} | ${fmt(direct.p50, 2).padStart(6)} | ${fmt(direct.p99, 2).padStart(6)} | ${fmt((httpRate / direct.perSecond) * 100)} %`,
  );
  if (ok !== REQUESTS) console.log(`  warning: ${REQUESTS - ok} requests did not return 2xx`);
}

// Replay storm: 1,000 new orders, each sent 10 times at once.
const storm = Array.from({ length: 1_000 }, (_, k) => signedPurchase(`storm-${k}`, k));
const stormRequests = storm.flatMap((r) => Array.from({ length: 10 }, () => r));
const stormResult = await fire(stormRequests, 100);
const credited = await db.pool.query(
  `SELECT count(*)::int AS purchases, (SELECT count(*)::int FROM ledger_entries e JOIN purchases p ON p.operation_id = e.operation_id WHERE p.order_id LIKE 'storm-%') AS entries
   FROM purchases WHERE order_id LIKE 'storm-%'`,
);
const expectedEntries = storm.length; // one points entry per order at these amounts
const doubles = credited.rows[0].entries - expectedEntries;
console.log(
  `replay storm: 10,000 requests (1,000 orderIds × 10) at concurrency 100: ${fmt(stormResult.perSecond)} req/s, ${stormResult['2xx']} × 2xx, ${credited.rows[0].purchases} purchases recorded, double credits: ${doubles}`,
);
void seq;

server.kill('SIGTERM');
await once(server, 'exit');
await bench.drop();
