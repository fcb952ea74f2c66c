// npm run bench:webhook — signed purchase webhooks against a real server process (ROLE=api, then
// ROLE=all): throughput and latency at concurrency 10/40/100 in rounds, each round followed by two
// references — a minimal purchase in bare SQL by pgbench, and the ledger function called straight
// through pg — and a replay storm (1,000 orderIds × 10 in parallel) that must credit each order once.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { Queue } from 'bullmq';
import { QueueName } from '../../src/jobs/queues.js';
import { signWebhook } from '../../src/http/auth/signature.js';
import { evaluateEarningRules } from '../../src/domain/rules/evaluate.js';
import { DEFAULT_SETTINGS } from '../../src/domain/merchants/settings.js';
import { contentHash } from '../../src/lib/canonical-hash.js';
import { tehranDay } from '../../src/lib/jalali.js';
import { tierOptions } from '../../src/domain/tiers/tiers.js';
import { cpuMeter } from './cpu-meter.js';
import { connectionHeadroom, ensurePgbench, pgbenchPurchases } from './pgbench.js';
import { fmt, freshBenchDatabase, phoneFor, runConcurrent } from './bench-db.js';
import { fireRequests } from './http-load.js';
import { freePort, spawnLocalBotApi } from './processes.js';

const MEMBERS = 1_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6_000);
const LEVELS = (process.env.BENCH_LEVELS ?? '10,40,100').split(',').map(Number);
/** ROLE=api alone, then the one-process default (api, bot, worker: the outbox relay competes for the CPU). */
const ROLES = (process.env.BENCH_ROLES ?? 'api,all').split(',');
/** Rounds per level: HTTP burst, then both references; the summary gives each ratio's median. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const bench = await freshBenchDatabase(20);
const { services, db } = bench;
// The club as production runs it: a bot token whose Bot API is a local stand-in in its own
// process. Without a token the server would run the local demo (an SMS line texting every
// never-seen phone, a playground endpoint receiving every event), which is not what is measured.
const token = `${600_000_000 + Math.floor(Math.random() * 1e6)}:BENCH${randomBytes(16).toString('base64url')}`;
const merchant = await services.merchants.create({ name: 'Bench Shop', isDefault: true, telegramToken: token });
const botApi = await spawnLocalBotApi();
process.on('exit', () => botApi.child.kill('SIGKILL'));
const memberIds: string[] = [];
for (let i = 0; i < MEMBERS; i++) memberIds.push((await services.members.ensurePending(merchant.id, phoneFor(i))).member.id);
// Fresh tables: give the planner statistics before measuring anything.
await db.pool.query('ANALYZE');

const pgbench = ensurePgbench();
if (!pgbench) console.log('pgbench is missing and could not be installed: the bare-SQL column stays empty');

/** The server as production runs it (compiled, `npm run build`), or from source with BENCH_SOURCE=1. */
const serverEntry = process.env.BENCH_SOURCE ? ['--import', 'tsx', 'src/main.ts'] : ['dist/main.js'];

async function startServer(role: string) {
  const port = await freePort();
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const server = spawn(
    process.execPath,
    [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), ...serverEntry],
    {
      env: {
        ...process.env,
        ROLE: role,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: bench.url,
        ENCRYPTION_KEY: bench.encryptionKey,
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_API_ROOT: botApi.apiRoot,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_SECOND: '1000000',
        REDIS_PREFIX: prefix,
        DATA_DIR: `/tmp/bashgah-bench-${process.pid}`,
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'inherit', 'ignore'],
    },
  );
  const kill = () => server.kill('SIGKILL');
  process.on('exit', kill);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (i > 300) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    base,
    pid: server.pid,
    prefix,
    async stop() {
      server.kill('SIGTERM');
      await once(server, 'exit');
      process.off('exit', kill);
    },
  };
}

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

const settings = DEFAULT_SETTINGS;
const directTiers: string[] = [];
const tiers = tierOptions(settings.tiers);

/** The reference: the purchase path's SQL (one bashgah_ledger_apply call naming the member by
 * phone, with the tier the rules assumed) sent straight through pg by as many callers. */
function direct(connections: number, label: string) {
  return runConcurrent(REQUESTS, connections, async (k) => {
    const member = (k * 7919) % MEMBERS;
    const orderId = `d-${label}-${connections}-${k}`;
    const amount = 100_000 + (member % 50) * 10_000;
    const occurredAt = new Date();
    for (;;) {
      const tier = directTiers[member] ?? 'bronze';
      const earning = evaluateEarningRules(settings.earning, { amount, occurredAt, branch: 'main', tier });
      const { rows } = await db.pool.query({
        name: 'bashgah_ledger_apply',
        text: 'SELECT bashgah_ledger_apply($1, $2, $3, $4, $5, $6, $7, $8) AS out',
        values: [
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
            event: {
              order_id: orderId,
              amount,
              branch: 'main',
              occurred_at: occurredAt.toISOString(),
              staff_code: null,
              voucher_code: null,
            },
          }),
        ],
      });
      // As the service does: a tier that changed meanwhile means evaluate again.
      if (rows[0].out.tier_mismatch) {
        directTiers[member] = rows[0].out.tier;
        continue;
      }
      directTiers[member] = rows[0].out.result.tier;
      return;
    }
  });
}

/** Seconds until the outbox is relayed and the events queue is empty. */
async function eventsCaughtUp(prefix: string): Promise<number> {
  const started = performance.now();
  const queue = new Queue(QueueName.events, { connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, prefix });
  try {
    for (;;) {
      const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
      const counts = await queue.getJobCounts('wait', 'active', 'prioritized', 'delayed');
      if (rows[0]!.n === 0 && Object.values(counts).every((n) => n === 0)) return (performance.now() - started) / 1000;
      if (performance.now() - started > 300_000) throw new Error('the worker did not catch up within 5 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await queue.close();
  }
}

const pad = (v: string, n: number) => v.padStart(n);
const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : '–');
const summary: string[] = [];

console.log(
  `webhook benchmark: ${REQUESTS} signed purchases per level, ${MEMBERS} members, server in its own process (${serverEntry.join(' ')}); load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const role of ROLES) {
  const server = await startServer(role);
  console.log(`\nROLE=${role}`);
  console.log('concurrency | HTTP req/s | p50 ms | p99 ms | non-2xx | direct fn/s | pgbench tx/s | HTTP/direct | HTTP/pgbench');
  for (const connections of role === 'api' ? LEVELS : [10]) {
    // The worker first relays what earlier runs left in the outbox, then the warm-up's events.
    if (role === 'all') await eventsCaughtUp(server.prefix);
    await fireRequests(
      server.base,
      Array.from({ length: 2_000 }, (_, k) => signedPurchase(`warm-${role}-${connections}-${k}`, k % MEMBERS)),
      connections,
    );
    if (role === 'all') await eventsCaughtUp(server.prefix);
    // Fresh statistics, as autovacuum's analyze gives a live database (autovacuum is off on this
    // machine): without them a connection keeps the plans it made while the tables were nearly
    // empty (sequential scans), and each run measures whichever connections planned when.
    await db.pool.query('ANALYZE');
    const rounds: { rate: number; bare?: number; direct: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      if (role === 'all' && round > 1) await eventsCaughtUp(server.prefix);
      const requests = Array.from({ length: REQUESTS }, (_, k) =>
        signedPurchase(`o-${role}-${connections}-${round}-${k}`, (k * 7919) % MEMBERS),
      );
      const httpCpu = await cpuMeter(db.pool, server.pid);
      const http = await fireRequests(server.base, requests, connections);
      const { rows: pending } = await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL',
      );
      const httpSplit = await httpCpu();
      // ROLE=all: the worker relays the burst's events after it; the references run once it is done.
      const caughtUp = role === 'all' ? await eventsCaughtUp(server.prefix) : undefined;
      // The bare reference first: its outbox rows are born published, so a worker has nothing to do beside it.
      const bareClients = Math.min(connections, await connectionHeadroom(db.pool));
      const bare = pgbench ? pgbenchPurchases(pgbench, bench.url, merchant.id, bareClients, REQUESTS) : undefined;
      const directCpu = await cpuMeter(db.pool, undefined);
      const ref = await direct(connections, `${role}-${round}`);
      const directSplit = await directCpu();
      const rate = http.perSecond;
      rounds.push({ rate, bare, direct: ref.perSecond });
      console.log(
        `${pad(`${connections} #${round}`, 11)} | ${pad(fmt(rate), 10)} | ${pad(fmt(http.p50, 1), 6)} | ${pad(fmt(http.p99, 1), 6)} | ${pad(String(http.non2xx), 7)} | ${pad(fmt(ref.perSecond), 11)} | ${pad(bare ? fmt(bare) : '–', 12)} | ${pad(ratio(rate, ref.perSecond), 11)} | ${pad(ratio(rate, bare), 12)}`,
      );
      const us = (seconds: number) => fmt((seconds / REQUESTS) * 1e6);
      console.log(
        `${pad('', 11)}   CPU µs per purchase: HTTP path: server ${us(httpSplit.server)}, postgres ${us(httpSplit.postgres)}, load generator ${us(httpSplit.client)}, ${(httpSplit.transactions / REQUESTS).toFixed(2)} db transactions; direct: postgres ${us(directSplit.postgres)}, caller ${us(directSplit.client)}`,
      );
      if (pgbench && bareClients < connections)
        console.log(
          `${pad('', 11)}   pgbench ran ${bareClients} clients, not ${connections}: PostgreSQL's max_connections leaves no more beside the server's pool`,
        );
      if (caughtUp !== undefined)
        console.log(
          `${pad('', 11)}   ${pending[0]!.n} of the burst's events were still in the outbox at its end; the worker delivered them ${caughtUp.toFixed(1)} s later`,
        );
      if (http.ok !== REQUESTS)
        console.log(`  warning: ${REQUESTS - http.ok} requests did not return 2xx: ${JSON.stringify(http.statuses)}`);
    }
    // Each round's ratio compares two figures taken a few seconds apart; the median of the rounds
    // is what a noisy shared machine can be held to.
    const toBare = median(rounds.map((r) => (r.bare ? r.rate / r.bare : NaN)));
    const toDirect = median(rounds.map((r) => r.rate / r.direct));
    const line = `ROLE=${role} at concurrency ${connections}: median of ${ROUNDS} rounds ${Number.isNaN(toBare) ? '–' : toBare.toFixed(2)} of bare SQL (pgbench), ${toDirect.toFixed(2)} of the direct function call`;
    console.log(`${pad('', 11)}   ${line}`);
    if (connections === 10) summary.push(line);
  }

  if (role === ROLES[0]) {
    // Replay storm: 1,000 new orders, each sent 10 times at once.
    const storm = Array.from({ length: 1_000 }, (_, k) => signedPurchase(`storm-${k}`, k));
    const stormRequests = storm.flatMap((r) => Array.from({ length: 10 }, () => r));
    const stormResult = await fireRequests(server.base, stormRequests, 100);
    const credited = await db.pool.query(
      `SELECT count(*)::int AS purchases, (SELECT count(*)::int FROM ledger_entries e JOIN purchases p ON p.operation_id = e.operation_id WHERE p.order_id LIKE 'storm-%') AS entries
       FROM purchases WHERE order_id LIKE 'storm-%'`,
    );
    const expectedEntries = storm.length; // one points entry per order at these amounts
    const doubles = credited.rows[0].entries - expectedEntries;
    console.log(
      `replay storm: 10,000 requests (1,000 orderIds × 10) at concurrency 100: ${fmt(stormResult.perSecond)} req/s, ${stormResult.ok} × 2xx, ${credited.rows[0].purchases} purchases recorded, double credits: ${doubles}`,
    );
  }
  await server.stop();
}

console.log(`\n${summary.join('\n')}`);
botApi.child.kill('SIGTERM');
await bench.drop();
