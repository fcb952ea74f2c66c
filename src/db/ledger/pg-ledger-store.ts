import type pg from 'pg';
import { callAlone, LedgerBatcher, type BatchingOptions, type LedgerCallValues } from './ledger-batcher.js';
import { DomainError } from '../../domain/errors.js';
import type { ErrorCode } from '../../domain/error-codes.js';
import type {
  AppliedLine,
  ApplyCommand,
  ApplyCommandWithout,
  LedgerEntryView,
  LedgerLine,
  LedgerQueries,
  LedgerStore,
  MemberReference,
  OperationOutcome,
  OperationResult,
  ReferenceOutcome,
} from '../../domain/ledger/types.js';

const KNOWN = new Set([
  'operation_id',
  'member_id',
  'balances',
  'debts',
  'lines',
  'shortfall',
  'tier',
  'previous_tier',
  'member_status',
  'purchase_id',
]);

/** Codes the ledger's SQL function raises (its messages come from the catalogue). */
const LEDGER_CODES = new Set<ErrorCode>([
  'insufficient_balance',
  'idempotency_conflict',
  'member_not_found',
  'member_blocked',
  'refund_exceeds_purchase',
  'stale_purchase',
  'invalid_amount',
  'invalid_currency',
  'invalid_mode',
]);

function toSqlLine(line: LedgerLine): Record<string, unknown> {
  const base = { currency: line.currency, amount: line.amount, mode: line.mode, reason: line.reason };
  switch (line.mode) {
    case 'earn':
      return {
        ...base,
        ref_type: line.refType,
        ref_id: line.refId,
        expires_at: line.expiresAt?.toISOString(),
        restrictions: line.restrictions ?? undefined,
        daily_cap: line.dailyCap,
        counts_for_tier: line.countsForTier,
      };
    case 'spend':
      return { ...base, ref_type: line.refType, ref_id: line.refId, context: line.context };
    case 'reverse':
      return { ...base, ref_type: line.refType, ref_id: line.refId, source_entry: line.sourceEntryId, counts_for_tier: line.countsForTier };
    case 'expire':
      return { ...base, bucket_id: line.bucketId };
  }
}

export function toOperationResult(raw: Record<string, unknown>): OperationResult {
  const lines = (raw.lines as Record<string, unknown>[]).map((l): AppliedLine => ({
    currency: l.currency as AppliedLine['currency'],
    mode: l.mode as AppliedLine['mode'],
    requested: Number(l.requested),
    applied: Number(l.applied),
    recovered: Number(l.recovered),
    shortfall: Number(l.shortfall),
    capped: Boolean(l.capped),
    entryId: l.entry_id === null ? null : Number(l.entry_id),
  }));
  const extra = Object.fromEntries(Object.entries(raw).filter(([k]) => !KNOWN.has(k)));
  return {
    operationId: Number(raw.operation_id),
    memberId: String(raw.member_id),
    balances: raw.balances as OperationResult['balances'],
    debts: raw.debts as OperationResult['debts'],
    lines,
    shortfall: (raw.shortfall ?? {}) as OperationResult['shortfall'],
    tier: String(raw.tier),
    previousTier: String(raw.previous_tier),
    memberStatus: raw.member_status as OperationResult['memberStatus'],
    purchaseId: raw.purchase_id === undefined ? undefined : String(raw.purchase_id),
    extra,
  };
}

/** Turns the ledger function's raised codes into domain errors; other errors pass through. */
export function mapLedgerError(err: unknown): unknown {
  const e = err as { code?: string; message?: string; detail?: string; constraint?: string };
  // A total past 2^53 - 1 (members_totals_safe) or past bigint: the whole operation is refused.
  if ((e.code === '23514' && e.constraint === 'members_totals_safe') || e.code === '22003') {
    return new DomainError('amount_too_large');
  }
  if (e.code !== 'P0001' || !e.message || !LEDGER_CODES.has(e.message as ErrorCode)) return err;
  let details: Record<string, unknown> | undefined;
  try {
    details = e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : undefined;
  } catch {
    details = undefined;
  }
  return new DomainError(e.message as ErrorCode, undefined, details);
}

export class PgLedgerStore implements LedgerStore, LedgerQueries {
  private readonly batcher: LedgerBatcher;

  constructor(
    private readonly pool: pg.Pool,
    batching: BatchingOptions = {},
  ) {
    this.batcher = new LedgerBatcher(pool, batching);
  }

  /** How many grouped calls the pool path sent (tests, benchmarks). */
  get batchStats() {
    return this.batcher.stats;
  }

  async apply(cmd: ApplyCommand): Promise<OperationOutcome> {
    const out = await this.call(cmd.memberId, cmd.memberId, cmd, {});
    if (!('result' in out)) throw new Error('ledger returned no result');
    return { replayed: out.replayed, result: toOperationResult(out.result) };
  }

  async applyByReference(
    cmd: ApplyCommandWithout<'memberId'> & { member: MemberReference; expectedTier: string },
  ): Promise<ReferenceOutcome> {
    const member = 'phone' in cmd.member ? { phone: cmd.member.phone } : { member_code: cmd.member.memberCode };
    const ref = 'phone' in cmd.member ? cmd.member.phone : cmd.member.memberCode;
    const out = await this.call(null, ref, cmd, { member, expected_tier: cmd.expectedTier });
    if ('member_missing' in out) return { kind: 'member_missing' };
    if ('tier_mismatch' in out) return { kind: 'tier_mismatch', tier: out.tier };
    return { kind: 'applied', replayed: out.replayed, result: toOperationResult(out.result) };
  }

  /** Applies inside a transaction the caller holds (wheel spins, gift requests: one commit for all). */
  async applyIn(client: pg.PoolClient, cmd: ApplyCommand): Promise<OperationOutcome> {
    const out = await this.call(cmd.memberId, cmd.memberId, cmd, {}, client);
    if (!('result' in out)) throw new Error('ledger returned no result');
    return { replayed: out.replayed, result: toOperationResult(out.result) };
  }

  /** `memberRef` names the member as the call does (id, phone or code): grouped calls are sorted by it. */
  private async call(
    memberId: string | null,
    memberRef: string,
    cmd: ApplyCommandWithout<'memberId'>,
    more: Record<string, unknown>,
    queryable: pg.Pool | pg.PoolClient = this.pool,
  ) {
    const options: Record<string, unknown> = {
      ...more,
      day: cmd.day,
      tiers: cmd.tiers,
      result: cmd.extra,
      event: cmd.event,
      event_type: cmd.eventType,
    };
    if (cmd.purchase) {
      const p = cmd.purchase;
      options.purchase = {
        order_id: p.orderId,
        amount: p.amount,
        items: p.items,
        branch: p.branch,
        occurred_at: p.occurredAt.toISOString(),
        voucher_code: p.voucherCode,
        staff_code: p.staffCode,
        rules: p.rules,
      };
    }
    if (cmd.refund) {
      const r = cmd.refund;
      options.refund = {
        purchase_id: r.purchaseId,
        refund_id: r.refundId,
        amount: r.amount,
        items: r.items,
        expected_refunded: r.expectedRefunded,
        ...r.reversal,
      };
    }
    const values: LedgerCallValues = [
      cmd.merchantId,
      memberId,
      cmd.idempotencyKey,
      cmd.requestHash,
      cmd.kind,
      cmd.actor,
      JSON.stringify(cmd.lines.map(toSqlLine)),
      JSON.stringify(options),
    ];
    type Out = { replayed: boolean; result: Record<string, unknown> } | { member_missing: true } | { tier_mismatch: true; tier: string };
    try {
      // Through the pool: grouped with other calls under load. Inside a caller's transaction: alone.
      return (await (queryable === this.pool ? this.batcher.call(values, memberRef) : callAlone(queryable, values))) as Out;
    } catch (err) {
      throw mapLedgerError(err);
    }
  }

  async findOperation(merchantId: string, idempotencyKey: string) {
    const { rows } = await this.pool.query<{ request_hash: string; result: Record<string, unknown> | null }>(
      'SELECT request_hash, result FROM ledger_operations WHERE merchant_id = $1 AND idempotency_key = $2',
      [merchantId, idempotencyKey],
    );
    const row = rows[0];
    return row ? { requestHash: row.request_hash, result: row.result ? toOperationResult(row.result) : null } : null;
  }

  async history(
    merchantId: string,
    memberId: string,
    opts: { beforeId?: number; afterId?: number; limit: number },
  ): Promise<LedgerEntryView[]> {
    const { rows } = await this.pool.query(
      `SELECT id, currency, amount, balance_after, reason, ref_type, ref_id, actor, created_at FROM ledger_entries
       WHERE member_id = $1 AND merchant_id = $2 AND ($3::bigint IS NULL OR id < $3) AND ($4::bigint IS NULL OR id > $4)
       ORDER BY id ${opts.afterId !== undefined ? 'ASC' : 'DESC'} LIMIT $5`,
      [memberId, merchantId, opts.beforeId ?? null, opts.afterId ?? null, opts.limit],
    );
    const entries = rows.map((r) => ({
      id: Number(r.id),
      currency: r.currency,
      amount: Number(r.amount),
      balanceAfter: Number(r.balance_after),
      reason: r.reason,
      refType: r.ref_type,
      refId: r.ref_id,
      actor: r.actor,
      createdAt: r.created_at,
    }));
    return opts.afterId !== undefined ? entries.reverse() : entries;
  }

  async qualifyingPoints(memberId: string, windowDays: number | null, asOf: Date): Promise<number> {
    const { rows } =
      windowDays === null
        ? await this.pool.query('SELECT points_earned_total AS points FROM members WHERE id = $1', [memberId])
        : await this.pool.query(
            "SELECT coalesce(sum(tier_points), 0) AS points FROM member_earning_days WHERE member_id = $1 AND day > ($3::timestamptz AT TIME ZONE 'Asia/Tehran')::date - $2::int",
            [memberId, windowDays, asOf],
          );
    return Number(rows[0]?.points ?? 0);
  }

  async expiring(memberId: string, currency: string, withinDays: number, asOf: Date) {
    const { rows } = await this.pool.query(
      `SELECT sum(remaining) AS amount, min(expires_at) AS first_at FROM earn_buckets
       WHERE member_id = $1 AND currency = $2::currency AND remaining > 0
         AND expires_at > $4 AND expires_at <= $4::timestamptz + make_interval(days => $3)`,
      [memberId, currency, withinDays, asOf],
    );
    const r = rows[0];
    return r?.amount ? { amount: Number(r.amount), firstAt: r.first_at as Date } : undefined;
  }
}
