// npm run bench:ledger — earn operations per second through LedgerService at concurrency
// 1, 10 and 40, against the same SQL (bashgah_ledger_apply) sent straight through pg.
import { fmt, freshBenchDatabase, phoneFor, runConcurrent } from './bench-db.js';

const MEMBERS = 1_000;
const OPS = Number(process.env.BENCH_OPS ?? 6_000);

const bench = await freshBenchDatabase();
try {
  const { services, db } = bench;
  const { id: merchantId } = await services.merchants.create({ name: 'Bench' });
  const memberIds: string[] = [];
  for (let i = 0; i < MEMBERS; i++) memberIds.push((await services.members.ensurePending(merchantId, phoneFor(i))).member.id);
  const tiers = JSON.stringify({
    window_days: null,
    levels: [
      { key: 'bronze', threshold: 0 },
      { key: 'silver', threshold: 500 },
      { key: 'gold', threshold: 2000 },
    ],
  });
  const day = new Date().toISOString().slice(0, 10);

  console.log(`ledger earn benchmark: ${OPS} operations per run, ${MEMBERS} members, PostgreSQL at ${bench.url.replace(/\/[^/]+$/, '/…')}`);
  console.log('concurrency | service ops/s | p50 ms | p99 ms | direct pg ops/s | p50 ms | p99 ms | service/direct');
  let run = 0;
  for (const concurrency of [1, 10, 40]) {
    run++;
    // Warm up both paths (connections, plan cache) before measuring.
    await runConcurrent(200, concurrency, (i) =>
      services.ledger.earn({
        merchantId,
        memberId: memberIds[i % MEMBERS]!,
        currency: 'points',
        amount: 1,
        reason: 'warmup',
        idempotencyKey: `w${run}-${i}`,
        actor: 'bench',
      }),
    );
    const service = await runConcurrent(OPS, concurrency, (i) =>
      services.ledger.earn({
        merchantId,
        memberId: memberIds[(i * 7919) % MEMBERS]!,
        currency: 'points',
        amount: 10,
        reason: 'bonus',
        idempotencyKey: `s${run}-${i}`,
        actor: 'bench',
      }),
    );
    const direct = await runConcurrent(OPS, concurrency, (i) =>
      db.pool.query('SELECT bashgah_ledger_apply($1, $2, $3, $4, $5, $6, $7, $8)', [
        merchantId,
        memberIds[(i * 7919) % MEMBERS],
        `d${run}-${i}`,
        'h',
        'earn',
        'bench',
        JSON.stringify([{ currency: 'points', amount: 10, mode: 'earn', reason: 'bonus' }]),
        JSON.stringify({ day, tiers: JSON.parse(tiers) }),
      ]),
    );
    console.log(
      `${String(concurrency).padStart(11)} | ${fmt(service.perSecond).padStart(13)} | ${fmt(service.p50, 2).padStart(6)} | ${fmt(service.p99, 2).padStart(6)} | ${fmt(direct.perSecond).padStart(15)} | ${fmt(direct.p50, 2).padStart(6)} | ${fmt(direct.p99, 2).padStart(6)} | ${fmt((service.perSecond / direct.perSecond) * 100)} %`,
    );
  }
} finally {
  await bench.drop();
}
