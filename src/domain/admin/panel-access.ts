import { createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import { notFound } from '../errors.js';
import { operatorAudit, type OperatorStore } from './operator-service.js';
import type { Operator } from './permissions.js';

/** A sign-in link is good for one use within ten minutes. */
export const PANEL_LINK_TTL_MS = 10 * 60_000;
/** A panel session lasts a working day from sign-in; then a new link is needed. */
export const PANEL_SESSION_TTL_MS = 12 * 3_600_000;

export interface PanelGrant {
  merchantId: string;
  operatorId: string;
}

export interface PanelLinkGrant extends PanelGrant {
  /** Checked against the clock as well as by the store's expiry. */
  expiresAt: string;
}

export interface PanelSessionRecord extends PanelGrant {
  /** The synchronizer token every form of this session carries. */
  csrf: string;
  createdAt: string;
}

/** Where links and sessions live (Redis: every replica sees them, and they expire by themselves). Keys are hashes. */
export interface PanelAccessStore {
  saveLink(hash: string, grant: PanelLinkGrant, ttlMs: number): Promise<void>;
  /** Returns the grant and deletes it in one step: a second call gets null. */
  takeLink(hash: string): Promise<PanelLinkGrant | null>;
  saveSession(hash: string, session: PanelSessionRecord, ttlMs: number): Promise<void>;
  session(hash: string): Promise<PanelSessionRecord | null>;
  deleteSession(hash: string): Promise<void>;
}

export const hashPanelToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export interface PanelSession {
  operator: Operator;
  csrf: string;
}

/**
 * The web panel's sign-in: a one-time link (from the bot's admin mode or the CLI) becomes a
 * session; only hashes of both tokens are stored. The operator is read again on every request,
 * so a disabled operator or a changed role takes effect at once.
 */
export class PanelAccess {
  constructor(
    private readonly deps: {
      store: PanelAccessStore;
      operators: Pick<OperatorStore, 'get' | 'audit'>;
      clock?: Clock;
    },
  ) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  /** A one-time sign-in token for an operator; the caller puts it in a link. */
  async issueLink(merchantId: string, operatorId: string, actor: string): Promise<{ token: string; expiresAt: Date; operator: Operator }> {
    const operator = await this.deps.operators.get(merchantId, operatorId);
    if (!operator) throw notFound('operator_not_found', 'No active operator with this id in this club');
    const token = newToken();
    const expiresAt = new Date(this.clock.now().getTime() + PANEL_LINK_TTL_MS);
    await this.deps.store.saveLink(
      hashPanelToken(token),
      { merchantId, operatorId, expiresAt: expiresAt.toISOString() },
      PANEL_LINK_TTL_MS,
    );
    await this.deps.operators.audit({ merchantId, operatorId, actor, action: 'panel.link', allowed: true });
    return { token, expiresAt, operator };
  }

  /** Uses a link: a session token, or null when the link is unknown, used, expired or its operator gone. */
  async signIn(linkToken: string): Promise<{ sessionToken: string; session: PanelSession } | null> {
    const link = await this.deps.store.takeLink(hashPanelToken(linkToken));
    if (!link || new Date(link.expiresAt) <= this.clock.now()) return null;
    const grant = { merchantId: link.merchantId, operatorId: link.operatorId };
    const operator = await this.deps.operators.get(grant.merchantId, grant.operatorId);
    if (!operator) return null;
    const sessionToken = newToken();
    const csrf = newToken();
    await this.deps.store.saveSession(
      hashPanelToken(sessionToken),
      { ...grant, csrf, createdAt: this.clock.now().toISOString() },
      PANEL_SESSION_TTL_MS,
    );
    await this.deps.operators.audit(operatorAudit(operator, 'panel.sign_in'));
    return { sessionToken, session: { operator, csrf } };
  }

  async session(sessionToken: string): Promise<PanelSession | null> {
    const record = await this.deps.store.session(hashPanelToken(sessionToken));
    if (!record) return null;
    const operator = await this.deps.operators.get(record.merchantId, record.operatorId);
    return operator ? { operator, csrf: record.csrf } : null;
  }

  async signOut(sessionToken: string): Promise<void> {
    await this.deps.store.deleteSession(hashPanelToken(sessionToken));
  }
}
