import type pg from 'pg';
import type { OperatorStore } from '../../domain/admin/operator-service.js';
import type { Operator } from '../../domain/admin/permissions.js';
import { inTransaction } from '../transaction.js';

const COLUMNS = 'id, merchant_id, role, branch, display_name, telegram_user_id, disabled_at';

function toOperator(r: Record<string, unknown>): Operator {
  return {
    id: r.id as string,
    merchantId: r.merchant_id as string,
    role: r.role as Operator['role'],
    branch: r.branch as string | null,
    displayName: r.display_name as string | null,
    telegramUserId: r.telegram_user_id === null ? null : String(r.telegram_user_id),
    disabledAt: r.disabled_at as Date | null,
  };
}

export class PgOperatorStore implements OperatorStore {
  constructor(private readonly pool: pg.Pool) {}

  async createInvite(i: Parameters<OperatorStore['createInvite']>[0]) {
    await this.pool.query(
      'INSERT INTO operator_invites (id, merchant_id, code_hash, role, branch, expires_at) VALUES (gen_random_uuid(), $1, $2, $3::operator_role, $4, $5)',
      [i.merchantId, i.codeHash, i.role, i.branch, i.expiresAt],
    );
  }

  redeemInvite(i: Parameters<OperatorStore['redeemInvite']>[0]) {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        'SELECT id, role, branch, expires_at, used_at FROM operator_invites WHERE merchant_id = $1 AND code_hash = $2 FOR UPDATE',
        [i.merchantId, i.codeHash],
      );
      const invite = rows[0];
      if (!invite) return { refused: 'unknown' as const };
      if (invite.used_at) return { refused: 'used' as const };
      if (invite.expires_at <= i.at) return { refused: 'expired' as const };
      // One operator per Telegram account and merchant: a new code changes its role and branch.
      const op = await client.query(
        `INSERT INTO operators (id, merchant_id, role, branch, display_name, telegram_user_id) VALUES (gen_random_uuid(), $1, $2::operator_role, $3, $4, $5)
         ON CONFLICT (merchant_id, telegram_user_id) DO UPDATE SET role = EXCLUDED.role, branch = EXCLUDED.branch, display_name = EXCLUDED.display_name, disabled_at = NULL
         RETURNING ${COLUMNS}`,
        [i.merchantId, invite.role, invite.branch, i.displayName, i.telegramUserId],
      );
      await client.query('UPDATE operator_invites SET used_at = $2, operator_id = $3 WHERE id = $1', [invite.id, i.at, op.rows[0].id]);
      return { operator: toOperator(op.rows[0]) };
    });
  }

  async forTelegram(merchantId: string, telegramUserId: string) {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM operators WHERE merchant_id = $1 AND telegram_user_id = $2 AND disabled_at IS NULL`,
      [merchantId, telegramUserId],
    );
    return rows[0] ? toOperator(rows[0]) : null;
  }

  async get(merchantId: string, id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM operators WHERE merchant_id = $1 AND id = $2 AND disabled_at IS NULL`, [
      merchantId,
      id,
    ]);
    return rows[0] ? toOperator(rows[0]) : null;
  }

  async list(merchantId: string) {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM operators WHERE merchant_id = $1 ORDER BY created_at`, [merchantId]);
    return rows.map(toOperator);
  }

  /** A new role (and branch) for an active operator; false when there is none with this id. */
  async setRole(merchantId: string, id: string, role: string, branch: string | null) {
    const { rowCount } = await this.pool.query(
      'UPDATE operators SET role = $3::operator_role, branch = $4 WHERE merchant_id = $1 AND id = $2 AND disabled_at IS NULL',
      [merchantId, id, role, branch],
    );
    return rowCount === 1;
  }

  /** Removes an operator: disabled, so their audit lines keep their name; a new invite can bring them back. */
  async disable(merchantId: string, id: string) {
    const { rowCount } = await this.pool.query(
      'UPDATE operators SET disabled_at = now() WHERE merchant_id = $1 AND id = $2 AND disabled_at IS NULL',
      [merchantId, id],
    );
    return rowCount === 1;
  }

  async audit(e: Parameters<OperatorStore['audit']>[0]) {
    await this.pool.query(
      'INSERT INTO audit_log (merchant_id, operator_id, actor, action, allowed, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        e.merchantId,
        e.operatorId,
        e.actor,
        e.action,
        e.allowed,
        e.target ?? null,
        e.details === undefined ? null : JSON.stringify(e.details),
      ],
    );
  }
}
