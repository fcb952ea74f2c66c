import { stripIsolates } from '../../src/chat/bidi.js';
import type { ChatInput } from '../../src/chat/input.js';
import { ChatRouter, type RouterDeps } from '../../src/chat/router.js';
import type { Screen } from '../../src/chat/screens/types.js';
import type { ChatSession } from '../../src/chat/session.js';
import type { ChatChannelName } from '../../src/domain/members/types.js';

/**
 * A messenger made of nothing but memory: inputs go to the ChatRouter, screens come back as they
 * are (text and buttons), a button is pressed by its label. It borrows the identity of a real
 * channel (the channel column knows two messengers); everything else is its own, which is the
 * point: a messenger is an adapter of a few dozen lines.
 */
export class MemoryChannel {
  private readonly router: ChatRouter;
  private session: ChatSession = {};
  /** Everything the club showed in this chat, oldest first, isolates stripped (as read). */
  readonly transcript: Screen[] = [];

  constructor(
    private readonly deps: RouterDeps,
    private readonly merchantId: string,
    readonly chatId: string,
    readonly channel: ChatChannelName = 'whatsapp',
  ) {
    this.router = new ChatRouter(deps);
  }

  async input(input: ChatInput): Promise<Screen[]> {
    const member = await this.deps.members.findByIdentity(this.merchantId, this.channel, this.chatId);
    const peer = {
      merchantId: this.merchantId,
      channel: this.channel,
      chatId: this.chatId,
      member,
      inviteLink: (m: { referralCode: string }) => `memory://join/r_${m.referralCode}`,
    };
    const { screens, session } = await this.router.handle(peer, input, this.session);
    this.session = session;
    const shown = screens.map((s) => ({
      ...s,
      text: stripIsolates(s.text),
      buttons: s.buttons?.map((row) => row.map((b) => ({ ...b, label: stripIsolates(b.label) }))),
    }));
    this.transcript.push(...shown);
    return shown;
  }

  text(text: string) {
    return this.input({ kind: 'text', text });
  }

  /** Presses the newest button whose label contains `label`. */
  press(label: string) {
    const button = this.transcript
      .flatMap((s) => (s.buttons ?? []).flat())
      .reverse()
      .find((b) => b.action && b.label.includes(label));
    if (!button) throw new Error(`no button "${label}" on screen`);
    return this.input({ kind: 'action', action: button.action! });
  }
}
