import type { Queue } from 'bullmq';
import type pg from 'pg';

/** Job states that mean "not handled yet": once none is left, every job handed in has run. */
const PENDING = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

async function until(done: () => Promise<boolean>, what: () => Promise<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${await what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pendingJobs = async (queues: Queue[]) => {
  const counts = await Promise.all(queues.map((q) => q.getJobCounts(...PENDING)));
  return counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
};

/**
 * Resolves once no queue has a job waiting, running or delayed: the way to prove that something
 * did NOT happen (a second send, a second survey) without a fixed sleep. Call it after the jobs
 * in question were added (an awaited enqueue or drained outbox), else it may return too early.
 */
export async function waitForDrainedQueues(queues: Queue[], timeoutMs = 20_000): Promise<void> {
  await until(
    async () => (await pendingJobs(queues)) === 0,
    async () => `drained queues (${await pendingJobs(queues)} jobs pending)`,
    timeoutMs,
  );
}

const unpublished = async (pool: pg.Pool) =>
  (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL')).rows[0]!.n;

/**
 * The outbox relay and the event workers at rest: no unpublished outbox row, then the queues
 * drained, then still no unpublished row (a handler may have written a new event before its job
 * completed). The relay adds a row's job before marking it published, so nothing slips between.
 */
export async function waitForQuietOutbox(pool: pg.Pool, queues: Queue[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await until(
      async () => (await unpublished(pool)) === 0,
      async () => `an empty outbox (${await unpublished(pool)} unpublished)`,
      Math.max(0, deadline - Date.now()),
    );
    await waitForDrainedQueues(queues, Math.max(0, deadline - Date.now()));
    if ((await unpublished(pool)) === 0) return;
  }
}
