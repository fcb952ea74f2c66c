import type { Redis } from 'ioredis';
import type { PanelAccessStore, PanelLinkGrant, PanelSessionRecord } from '../../domain/admin/panel-access.js';

/** Panel sign-in links and sessions in Redis, under hashed keys that expire by themselves. */
export class RedisPanelAccessStore implements PanelAccessStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(kind: 'link' | 'session', hash: string) {
    return `${this.prefix}:panel:${kind}:${hash}`;
  }

  async saveLink(hash: string, grant: PanelLinkGrant, ttlMs: number) {
    await this.redis.set(this.key('link', hash), JSON.stringify(grant), 'PX', ttlMs);
  }

  async takeLink(hash: string) {
    // GETDEL: two tabs opening the same link at once get one session between them.
    const raw = await this.redis.getdel(this.key('link', hash));
    return raw ? (JSON.parse(raw) as PanelLinkGrant) : null;
  }

  async saveSession(hash: string, session: PanelSessionRecord, ttlMs: number) {
    await this.redis.set(this.key('session', hash), JSON.stringify(session), 'PX', ttlMs);
  }

  async session(hash: string) {
    const raw = await this.redis.get(this.key('session', hash));
    return raw ? (JSON.parse(raw) as PanelSessionRecord) : null;
  }

  async deleteSession(hash: string) {
    await this.redis.del(this.key('session', hash));
  }
}
