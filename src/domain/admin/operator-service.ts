import { createHash, randomInt } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import { invalid, unprocessable } from '../errors.js';
import { OPERATOR_ROLES, type Operator, type OperatorRole } from './permissions.js';

export const INVITE_TTL_MS = 24 * 3_600_000;
const INVITE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const INVITE_LENGTH = 10;

export interface OperatorStore {
  createInvite(i: { merchantId: string; codeHash: string; role: OperatorRole; branch: string | null; expiresAt: Date }): Promise<void>;
  /** Uses the invite and creates (or re-links) the operator in one step; null if unknown, used or expired. */
  redeemInvite(i: {
    merchantId: string;
    codeHash: string;
    telegramUserId: string;
    displayName: string | null;
    at: Date;
  }): Promise<{ operator: Operator } | { refused: 'unknown' | 'used' | 'expired' }>;
  forTelegram(merchantId: string, telegramUserId: string): Promise<Operator | null>;
  /** An operator who is not disabled, by id. */
  get(merchantId: string, id: string): Promise<Operator | null>;
  list(merchantId: string): Promise<Operator[]>;
  audit(entry: {
    merchantId: string;
    operatorId: string | null;
    actor: string;
    action: string;
    allowed: boolean;
    target?: string | null;
    details?: unknown;
  }): Promise<void>;
}

/** An audit line for something an operator did (or tried): their id as actor. */
export function operatorAudit(
  op: Pick<Operator, 'id' | 'merchantId'>,
  action: string,
  rest: { allowed?: boolean; target?: string | null; details?: unknown } = {},
): Parameters<OperatorStore['audit']>[0] {
  return {
    merchantId: op.merchantId,
    operatorId: op.id,
    actor: `operator:${op.id}`,
    action,
    allowed: rest.allowed ?? true,
    target: rest.target,
    details: rest.details,
  };
}

export const hashInviteCode = (code: string) => createHash('sha256').update(code).digest('hex');

/** Typed codes: any case, spaces and dashes ignored. */
export function normalizeInviteCode(input: string): string {
  return input.trim().toUpperCase().replace(/[\s-]/g, '');
}

/**
 * Operators: one-time invite codes (24 h; only the hash is stored) that link a Telegram account
 * as owner, manager or cashier of a merchant.
 */
export class OperatorService {
  constructor(
    private readonly store: OperatorStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async invite(merchantId: string, role: string, branch: string | null, actor: string): Promise<{ code: string; expiresAt: Date }> {
    if (!(OPERATOR_ROLES as readonly string[]).includes(role))
      throw invalid('invalid_role', `role must be one of ${OPERATOR_ROLES.join(', ')}`);
    const b = branch?.trim() || null;
    if (b && b.length > 64) throw invalid('invalid_branch', 'branch is at most 64 characters');
    if (role === 'cashier' && !b) throw invalid('branch_required', 'A cashier works in a branch: give --branch');
    const code = Array.from({ length: INVITE_LENGTH }, () => INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)]).join('');
    const expiresAt = new Date(this.clock.now().getTime() + INVITE_TTL_MS);
    await this.store.createInvite({ merchantId, codeHash: hashInviteCode(code), role: role as OperatorRole, branch: b, expiresAt });
    await this.store.audit({
      merchantId,
      operatorId: null,
      actor,
      action: 'operators.invite',
      allowed: true,
      details: { role, branch: b },
    });
    return { code, expiresAt };
  }

  async link(merchantId: string, code: string, telegramUserId: string, displayName: string | null): Promise<Operator> {
    const out = await this.store.redeemInvite({
      merchantId,
      codeHash: hashInviteCode(normalizeInviteCode(code)),
      telegramUserId,
      displayName,
      at: this.clock.now(),
    });
    if ('refused' in out) {
      const reason = out.refused;
      await this.store.audit({
        merchantId,
        operatorId: null,
        actor: `telegram:${telegramUserId}`,
        action: 'operators.link',
        allowed: false,
        details: { reason },
      });
      throw unprocessable(
        `invite_${reason}`,
        reason === 'expired' ? 'This code has expired' : reason === 'used' ? 'This code has already been used' : 'No such code',
      );
    }
    await this.store.audit({
      merchantId,
      operatorId: out.operator.id,
      actor: `telegram:${telegramUserId}`,
      action: 'operators.link',
      allowed: true,
      details: { role: out.operator.role },
    });
    return out.operator;
  }

  forTelegram(merchantId: string, telegramUserId: string) {
    return this.store.forTelegram(merchantId, telegramUserId);
  }

  list(merchantId: string) {
    return this.store.list(merchantId);
  }
}
