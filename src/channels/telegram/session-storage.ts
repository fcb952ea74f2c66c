import { LRUCache } from 'lru-cache';
import type { StorageAdapter } from 'grammy';

/**
 * Wraps a storage adapter (here @grammyjs/storage-redis) so a session is written back only
 * when it changed: most updates (a member pressing "balance") read the session and leave it
 * as it was, and grammY would otherwise write it on every update.
 */
export class WriteWhenChanged<T> implements StorageAdapter<T> {
  /** JSON as read, per key, until the same update writes it back. */
  private readonly asRead = new LRUCache<string, string>({ max: 10_000 });

  constructor(private readonly inner: StorageAdapter<T>) {}

  async read(key: string): Promise<T | undefined> {
    const value = await this.inner.read(key);
    if (value === undefined) return undefined;
    this.asRead.set(key, JSON.stringify(value));
    return value;
  }

  async write(key: string, value: T): Promise<void> {
    const before = this.asRead.get(key);
    this.asRead.delete(key);
    if (before === JSON.stringify(value)) return;
    await this.inner.write(key, value);
  }

  async delete(key: string): Promise<void> {
    this.asRead.delete(key);
    await this.inner.delete(key);
  }
}
