// npm run bench:panel — how fast the web panel's overview answers for a big club: 100,000
// members, 1,000,000 ledger entries and 200,000 purchases over the last 13 months (seeded with
// generate_series, in time order as an append-only ledger lies on disk), measured through the
// whole Fastify pipeline (session, role check, every query, rendering) with app.inject.
// Goal: ≤ 300 ms. The first request computes both months; later ones reuse the finished month.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { buildHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { createRedis } from '../../src/redis.js';
import { createPanelAccess, createServices } from '../../src/app/container.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { fmt, freshBenchDatabase } from './bench-db.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

const bench = await freshBenchDatabase(20);
const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `bench-panel-${randomBytes(3).toString('hex')}`;
try {
  const { services, db } = bench;
  const { id: merchantId } = await services.merchants.create({ name: 'Bench Cafe' });
  const q = (sql: string, params: unknown[] = []) => db.pool.query(sql, params);
  let t = performance.now();
  // Joined over the last 400 days; one in five was referred by an earlier member.
  await q(
    `INSERT INTO members (id, merchant_id, phone, member_code, referral_code, first_name, status, tier, joined_at, created_at, source_tag, points, coins)
     SELECT gen_random_uuid(), $1, '+98912' || lpad(i::text, 7, '0'), lpad(i::text, 7, '0'), lpad(to_hex(i), 6, '0'), 'عضو ' || i,
            'active', 'bronze', now() - (i % 400) * interval '1 day', now() - (i % 400) * interval '1 day',
            (ARRAY['instagram', 'poster', NULL])[1 + i % 3], 0, 0
     FROM generate_series(1, $2::int) AS i ORDER BY i % 400 DESC`,
    [merchantId, MEMBERS],
  );
  await q(
    `UPDATE members m SET referrer_id = r.id FROM members r
     WHERE m.merchant_id = $1 AND r.merchant_id = $1 AND m.member_code::int % 5 = 0 AND r.member_code = lpad((m.member_code::int - 1)::text, 7, '0')`,
    [merchantId],
  );
  console.log(`members: ${fmt(MEMBERS)} in ${fmt((performance.now() - t) / 1000, 1)} s`);
  t = performance.now();
  await q(
    `INSERT INTO purchases (id, merchant_id, member_id, order_id, amount, occurred_at, operation_id)
     SELECT gen_random_uuid(), $1, m.id, 'o' || i, 100000 + (i % 50) * 20000, now() - (i % 395) * interval '1 day' - (i % 24) * interval '1 hour', i
     FROM generate_series(1, $2::int) AS i JOIN members m ON m.merchant_id = $1 AND m.member_code = lpad((1 + i % $3::int)::text, 7, '0')
     ORDER BY 6`,
    [merchantId, PURCHASES, MEMBERS],
  );
  console.log(`purchases: ${fmt(PURCHASES)} in ${fmt((performance.now() - t) / 1000, 1)} s`);
  t = performance.now();
  await q(
    `INSERT INTO ledger_entries (merchant_id, member_id, operation_id, currency, amount, balance_after, reason, actor, created_at)
     SELECT $1, m.id, i, CASE WHEN i % 3 = 0 THEN 'coins'::currency ELSE 'points'::currency END,
            CASE WHEN i % 7 = 0 THEN -20 ELSE 10 + i % 90 END, 1000, CASE WHEN i % 7 = 0 THEN 'gift' ELSE 'purchase' END, 'bench',
            now() - (i % 395) * interval '1 day' - (i % 24) * interval '1 hour'
     FROM generate_series(1, $2::int) AS i JOIN members m ON m.merchant_id = $1 AND m.member_code = lpad((1 + i % $3::int)::text, 7, '0')
     ORDER BY 9`,
    [merchantId, ENTRIES, MEMBERS],
  );
  console.log(`ledger entries: ${fmt(ENTRIES)} in ${fmt((performance.now() - t) / 1000, 1)} s`);
  await q('VACUUM ANALYZE'); // the steady state autovacuum keeps: index-only scans see an up-to-date visibility map

  const { code } = await services.operators.invite(merchantId, 'owner', null, 'bench');
  const owner = await services.operators.link(merchantId, code, '1', 'Bench Owner');
  /** A server as a fresh process has it: services (and so the finished-month cache) new, the pool shared. */
  const newServer = async () => {
    const s = createServices(db, new SecretBox(bench.encryptionKey));
    const access = createPanelAccess(s, redis, prefix);
    const app = await buildHttpServer({
      logger: createLogger('warn'),
      checks: { postgres: () => db.ping(), redis: async () => void (await redis.ping()) },
      panel: { access, panel: s.panel, screens: s.screens, locale: 'fa', secureCookies: false, clock: s.clock },
    });
    const { token } = await access.issueLink(merchantId, owner.id, 'bench');
    const signIn = await app.inject({
      method: 'POST',
      url: '/panel/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${token}`,
    });
    const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const overview = async () => {
      const started = performance.now();
      const res = await app.inject({ method: 'GET', url: '/panel/overview', headers: { cookie } });
      if (res.statusCode !== 200) throw new Error(`overview answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      return performance.now() - started;
    };
    return { app, overview };
  };
  const summary = (times: number[]) => {
    times.sort((a, b) => a - b);
    const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    return `p50 ${fmt(at(0.5))} ms, p95 ${fmt(at(0.95))} ms, max ${fmt(times[times.length - 1]!)} ms`;
  };
  // Other work on the machine moves these figures a lot: say how busy it was.
  const load = () =>
    `load average ${loadavg()
      .map((n) => fmt(n, 2))
      .join(', ')}`;
  console.log(`before timing: ${load()}`);
  const cold: number[] = [];
  for (let i = 0; i < 6; i++) {
    const server = await newServer();
    const ms = await server.overview();
    if (i > 0) cold.push(ms); // the very first also opens the pool's connections
    await server.app.close();
  }
  console.log(`GET /panel/overview with both months computed, 5 servers: ${summary(cold)} (goal ≤ 300 ms)`);
  const { app, overview } = await newServer();
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const ms = await overview();
    if (i >= 3) times.push(ms); // the first computes the finished month, two more warm the plans
  }
  console.log(`GET /panel/overview, finished month kept, ${RUNS} runs: ${summary(times)} (goal ≤ 300 ms)`);
  await app.close();
  console.log(`after timing: ${load()}`);
} finally {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  if (process.env.BENCH_KEEP) console.log(`kept ${bench.url}`);
  else await bench.drop();
}
