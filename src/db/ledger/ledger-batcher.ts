import type pg from 'pg';

/** The eight arguments of bashgah_ledger_apply; the last two are JSON text. */
export type LedgerCallValues = [
  merchantId: string,
  memberId: string | null,
  idempotencyKey: string,
  requestHash: string,
  kind: string,
  actor: string,
  lines: string,
  options: string,
];

interface Waiting {
  values: LedgerCallValues;
  /** Sort key: the member (id, phone or code), then the idempotency key. */
  order: string;
  resolve(out: unknown): void;
  reject(err: unknown): void;
}

export interface BatchingOptions {
  /** Statements running at once (LEDGER_CONCURRENCY); more calls wait and go together. */
  maxRunning?: number;
  maxBatch?: number;
}

interface BatchError {
  code: string;
  message: string;
  detail: string | null;
  constraint: string | null;
}

/** Deadlocks and serialization failures: the call did nothing and runs again alone. */
const TRANSIENT = /^40/;

/** One bashgah_ledger_apply call on its own, through the pool or inside a caller's transaction. */
export function callAlone(queryable: pg.Pool | pg.PoolClient, values: LedgerCallValues): Promise<unknown> {
  return queryable
    .query<{ out: unknown }>({
      // Named: each connection parses and plans the call once, not on every purchase.
      name: 'bashgah_ledger_apply',
      text: 'SELECT bashgah_ledger_apply($1, $2, $3, $4, $5, $6, $7, $8) AS out',
      values,
    })
    .then(({ rows }) => rows[0]!.out);
}

/** An error shaped like node-postgres's, so callers map batch and single failures alike. */
function asPgError(e: BatchError): Error {
  return Object.assign(new Error(e.message), { code: e.code, detail: e.detail ?? undefined, constraint: e.constraint ?? undefined });
}

/**
 * Ledger calls through the pool, grouped under load. At most `maxRunning` statements run at
 * once; calls that arrive meanwhile wait and then go together as one bashgah_ledger_apply_batch:
 * one round trip and one commit for all of them, each call still in its own subtransaction.
 * Under light load every call runs alone, as before, so nothing waits for company.
 *
 * Why: on the purchase path the statement's round trip, its commit and the wake-ups on both
 * sides cost as much as the work; sharing them is what lets a burst of webhooks go faster.
 * Every answer is sent after its batch committed, so nothing is acknowledged that could be lost.
 */
export class LedgerBatcher {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  /** Batches of more than one call sent so far, and the calls they carried. */
  readonly stats = { batches: 0, calls: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: BatchingOptions = {},
  ) {}

  call(values: LedgerCallValues, member: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ values, order: `${member}\u0000${values[2]}`, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const maxRunning = this.opts.maxRunning ?? 3; // the default of LEDGER_CONCURRENCY
    // More subtransactions than PostgreSQL caches per backend (64) would slow every snapshot.
    const maxBatch = this.opts.maxBatch ?? 32;
    while (this.running < maxRunning && this.waiting.length) {
      const batch = this.waiting.splice(0, maxBatch);
      this.running++;
      void this.send(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async send(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const [w] = batch as [Waiting];
      await callAlone(this.pool, w.values).then(w.resolve, w.reject);
      return;
    }
    // Batches running at once lock members in the same order, so they do not deadlock each other.
    batch.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    const calls = batch.map(
      ({ values: v }) =>
        `[${v
          .slice(0, 6)
          .map((x) => JSON.stringify(x))
          .join(',')},${v[6]},${v[7]}]`,
    );
    let results: ({ out: unknown } | { error: BatchError })[];
    try {
      const { rows } = await this.pool.query<{ out: typeof results }>({
        name: 'bashgah_ledger_apply_batch',
        text: 'SELECT bashgah_ledger_apply_batch($1) AS out',
        values: [`[${calls.join(',')}]`],
      });
      results = rows[0]!.out;
    } catch {
      // The statement failed as a whole (connection lost, cancelled): none of it committed, and
      // each call is idempotent, so each runs again alone and gets its own answer.
      await Promise.all(batch.map((w) => callAlone(this.pool, w.values).then(w.resolve, w.reject)));
      return;
    }
    this.stats.batches++;
    this.stats.calls += batch.length;
    await Promise.all(
      batch.map(async (w, i) => {
        const r = results[i]!;
        if ('out' in r) return w.resolve(r.out);
        if (TRANSIENT.test(r.error.code)) return callAlone(this.pool, w.values).then(w.resolve, w.reject);
        w.reject(asPgError(r.error));
      }),
    );
  }
}
