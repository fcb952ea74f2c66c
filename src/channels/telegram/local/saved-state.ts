import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A JSON file that keeps the local stand-ins' state (chats, counters) across restarts of the
 * demo, so the playground's chats and keyboards survive and update ids keep growing (the bot
 * remembers the ids it has handled in Redis for a day). Writes are batched, and flushed on
 * shutdown; the file is replaced atomically so a crash never leaves half a file.
 */
export class SavedState<T> {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => T,
    private readonly delayMs = 200,
  ) {}

  /** The saved state, or undefined when there is none yet (or it cannot be read). */
  load(): T | undefined {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot()), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
