import { EventEmitter } from 'node:events';
import { normalizePhone } from '../../../domain/members/phone.js';
import type { SmsInbound, SmsSender } from '../../../domain/sms/sms-sender.js';
import { SavedState } from '../../telegram/local/saved-state.js';

export interface LocalSmsMessage {
  id: number;
  /** out: the club's line sent it; in: the person answered. */
  direction: 'out' | 'in';
  text: string;
}

/**
 * The demo's SMS line (SMS_PROVIDER=local): nothing leaves the machine; each phone has an inbox
 * the playground shows, and an answer typed there reaches the club like a provider's inbound SMS.
 * Every message counts as delivered. With `stateFile` (demo mode) the inboxes survive a restart.
 */
export class LocalSms implements SmsSender {
  readonly name = 'local';
  private readonly inboxes = new Map<string, LocalSmsMessage[]>();
  private readonly replies: SmsInbound[] = [];
  private readonly changed = new EventEmitter();
  private lastId = 0;
  private readonly saved?: SavedState<{ lastId: number; inboxes: [string, LocalSmsMessage[]][] }>;

  constructor(opts: { stateFile?: string } = {}) {
    this.changed.setMaxListeners(0);
    if (!opts.stateFile) return;
    this.saved = new SavedState(opts.stateFile, () => ({ lastId: this.lastId, inboxes: [...this.inboxes] }));
    const state = this.saved.load();
    this.lastId = state?.lastId ?? 0;
    for (const [phone, messages] of state?.inboxes ?? []) this.inboxes.set(phone, messages);
  }

  /** Writes the inboxes now (the server is stopping). */
  flush(): void {
    this.saved?.flush();
  }

  private inbox(phone: string): LocalSmsMessage[] {
    const key = normalizePhone(phone) ?? phone;
    let box = this.inboxes.get(key);
    if (!box) this.inboxes.set(key, (box = []));
    return box;
  }

  private add(phone: string, direction: LocalSmsMessage['direction'], text: string): LocalSmsMessage {
    const m = { id: ++this.lastId, direction, text };
    this.inbox(phone).push(m);
    this.saved?.changed();
    this.changed.emit('message');
    return m;
  }

  async send({ phone, text }: { phone: string; text: string }) {
    return { providerMessageId: `local-${this.add(phone, 'out', text).id}` };
  }

  async reports(ids: string[]) {
    return ids.map((providerMessageId) => ({ providerMessageId, outcome: 'delivered' as const, detail: 'local' }));
  }

  async inbound() {
    return this.replies.splice(0);
  }

  /** A person answers the club's line from `phone`. */
  reply(phone: string, text: string): LocalSmsMessage {
    this.replies.push({ from: phone, text });
    return this.add(phone, 'in', text);
  }

  /** Phones that have an inbox, newest first. */
  phones(): string[] {
    return [...this.inboxes.keys()].reverse();
  }

  /** The inbox after message `after`; with `waitMs`, waits for something new first. */
  async messages(phone: string, after: number, waitMs = 0): Promise<LocalSmsMessage[]> {
    const fresh = () => this.inbox(phone).filter((m) => m.id > after);
    if (fresh().length || !waitMs) return fresh();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changed.off('message', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.changed.on('message', done);
    });
    return fresh();
  }
}
