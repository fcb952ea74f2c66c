import type { Redis } from 'ioredis';
import { decodeAction, type Action } from '../../chat/actions.js';
import { stripIsolates } from '../../chat/bidi.js';
import { allTranslations, isLocale, translator, type Translate } from '../../chat/i18n.js';
import type { ChatInput } from '../../chat/input.js';
import { actionForTyped, MAIN_MENU } from '../../chat/menu.js';
import { ChatRouter, type RouterDeps } from '../../chat/router.js';
import type { Screen } from '../../chat/screens/types.js';
import { SessionStore, type ChatSession } from '../../chat/session.js';
import { campaignOf } from '../../chat/start-payload.js';
import type { Member } from '../../domain/members/types.js';
import { toLatinDigits } from '../../lib/digits.js';
import { foldForMatch } from '../../chat/text-match.js';
import type { ShortLinks } from '../../domain/links/short-links.js';
import type { IncomingWhatsAppMessage } from './client.js';
import { mainMenuView, renderScreen, type WhatsAppMessage } from './render.js';

export interface WhatsAppChatDeps extends RouterDeps {
  shortLinks: ShortLinks;
  redis: Redis;
  redisPrefix: string;
}

const sessions = (redis: Redis, prefix: string) => new SessionStore(redis, `${prefix}:wa-session`);

/** The numbers a message the club sent on its own offers; `options: null` gives the numbers back to the main menu. */
export interface OfferedOptions {
  options: string[] | null;
  optionBase?: 0 | 1;
  prompt?: string;
}

/**
 * A message the club sent on its own (a survey question, a support reply, a notification) makes
 * its numbers the chat's options: the member answers what they see last, not an older screen.
 */
export async function setWhatsAppOptions(
  redis: Redis,
  prefix: string,
  merchantId: string,
  chatId: string,
  offered: OfferedOptions,
): Promise<void> {
  await sessions(redis, prefix).update(merchantId, chatId, (s) =>
    offered.options
      ? { ...s, options: offered.options, optionBase: offered.optionBase, prompt: offered.prompt, flow: undefined }
      : { ...s, options: undefined, optionBase: undefined, prompt: undefined },
  );
}

/** wa.me link that opens a chat with the club, the join text (with a referral or source code) typed in. */
export function whatsappJoinLink(clubNumber: string, t: Translate, club: string, payload: string): string {
  return `https://wa.me/${clubNumber.replace(/^\+/, '')}?text=${encodeURIComponent(t('whatsapp.join_text', { club, code: payload }))}`;
}

/** The wa.me join link as members get it: a short link on the club's host that redirects there. */
export function shortJoinLink(
  links: ShortLinks,
  merchantId: string,
  clubNumber: string,
  t: Translate,
  club: string,
  payload: string,
): Promise<string> {
  return links.shorten(merchantId, whatsappJoinLink(clubNumber, t, club, payload));
}

/** The deep-link payload (r_<code> / s_<tag>) anywhere in a message, as Telegram's /start carries it. */
const payloadIn = (text: string) => /(?:^|[\s(])([rs]_[A-Za-z0-9_-]{1,62})(?=$|[\s).،,])/.exec(text)?.[1];

const keyword = (text: string, key: string) =>
  allTranslations(`whatsapp.keywords.${key}`).some((k) => foldForMatch(k) === foldForMatch(text));

/**
 * The club on WhatsApp, over numbered text menus: words, numbers and labels become ChatInput for
 * the ChatRouter, its screens become numbered messages. Nothing here decides a business rule.
 */
export class WhatsAppChat {
  /** One message at a time per chat: WhatsApp can deliver two at once. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly router: ChatRouter;
  private readonly sessions: SessionStore;

  constructor(
    private readonly merchantId: string,
    private readonly clubNumber: string,
    private readonly deps: WhatsAppChatDeps,
  ) {
    this.router = new ChatRouter(deps);
    this.sessions = sessions(deps.redis, deps.redisPrefix);
  }

  /** Answers one incoming message with the messages to send back, in order. */
  handle(message: IncomingWhatsAppMessage): Promise<WhatsAppMessage[]> {
    const prev = this.queues.get(message.chatId) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(() => this.process(message));
    this.queues.set(message.chatId, next);
    void next
      .finally(() => {
        if (this.queues.get(message.chatId) === next) this.queues.delete(message.chatId);
      })
      .catch(() => {});
    return next;
  }

  private async process(incoming: IncomingWhatsAppMessage): Promise<WhatsAppMessage[]> {
    const text = stripIsolates(incoming.text).trim(); // a join text or code pasted from our messages
    const { chatId } = incoming;
    let session = await this.sessions.load(this.merchantId, chatId);
    const member = await this.deps.members.findByIdentity(this.merchantId, 'whatsapp', chatId);
    if (member) await this.deps.members.markReachable(this.merchantId, 'whatsapp', chatId);
    const locale = session.locale ?? (isLocale(member?.locale) ? member.locale : this.deps.defaultLocale);
    const t = translator(locale);
    // The first message from a number joins: the phone comes with it.
    const inputs: ChatInput[] = member
      ? []
      : [
          { kind: 'start', payload: payloadIn(text) },
          { kind: 'contact', phone: incoming.phone ?? '', own: true },
        ];
    if (member) {
      const input = this.input(text, session);
      // A survey question stays open until it is answered: say what is expected and ask it again.
      if (!input) return [{ text: t('whatsapp.hint') }, { text: session.prompt! }];
      inputs.push(input);
    }
    const out: WhatsAppMessage[] = [];
    const peer = {
      merchantId: this.merchantId,
      channel: 'whatsapp' as const,
      chatId,
      member,
      name: incoming.name,
      inviteLink: (m: Member, c: { t: Translate; clubName: string }) =>
        shortJoinLink(this.deps.shortLinks, this.merchantId, this.clubNumber, c.t, c.clubName, `r_${m.referralCode}`),
    };
    for (const input of inputs) {
      const result = await this.router.handle(peer, input, session);
      session = result.session;
      out.push(...(await this.render(result.screens, session, member)));
    }
    await this.deps.members.markSeen(this.merchantId, 'whatsapp', chatId);
    await this.sessions.save(this.merchantId, chatId, session);
    return out;
  }

  /** What a member's message means: a word, the answer to a question in progress, a label, or a number; null: ask the open survey question again. */
  private input(text: string, session: ChatSession): ChatInput | null {
    const latin = toLatinDigits(text);
    const home: ChatInput = { kind: 'action', action: { kind: 'home' } };
    const payload = payloadIn(text);
    if (campaignOf(payload)) return { kind: 'start', payload };
    if (keyword(text, 'stop')) return { kind: 'action', action: { kind: 'promo.optOut' } };
    if (keyword(text, 'start')) return { kind: 'start' };
    // On a 0–10 scale 0 is a score; the word still leads to the menu. In the profile 0 skips a question.
    const menuWord =
      keyword(text, 'menu') || (latin === '0' && !(session.options && session.optionBase === 0) && session.flow?.kind !== 'profile');
    if (menuWord) return home;
    // A number is one of the options on screen (the main menu's when none): in a question only the survey's own.
    const n = /^\d{1,3}$/.test(latin) ? Number(latin) : null;
    const item = n === null || session.options || session.flow ? undefined : MAIN_MENU[n - 1]?.action;
    const option = n !== null && session.options ? session.options[n - (session.optionBase ?? 1)] : undefined;
    const action: Action | null = item ? { kind: 'menu', item } : option ? decodeAction(option) : null;
    if (session.flow && !(session.flow.kind === 'feedback' && action)) return { kind: 'text', text };
    if (action) return { kind: 'action', action };
    const label = actionForTyped(text);
    if (label) return { kind: 'action', action: { kind: 'menu', item: label } };
    if (session.options?.some((o) => decodeAction(o)?.kind.startsWith('survey.')) && session.prompt) return null;
    return { kind: 'text', text };
  }

  /** Screens as messages; the last screen with numbered options makes them the chat's options. */
  private async render(screens: Screen[], session: ChatSession, member: Member | null): Promise<WhatsAppMessage[]> {
    const locale = session.locale ?? (isLocale(member?.locale) ? member.locale : this.deps.defaultLocale);
    const t = translator(locale);
    const out: WhatsAppMessage[] = [];
    for (const screen of screens) {
      if (screen.role === 'note') out.push({ text: screen.text });
      else if (screen.role === 'menu') out.push(...mainMenuView(screen.text, t, locale).messages);
      else {
        const view = renderScreen(await this.shortenLinks(screen), t, locale);
        session.options = view.options ?? undefined;
        session.optionBase = view.options ? view.optionBase : undefined;
        session.prompt = view.options ? view.messages.at(-1)?.text : undefined;
        out.push(...view.messages);
      }
    }
    return out;
  }

  /** WhatsApp shows a button's link as text: a long one (the share link with its text) becomes a short link. */
  private async shortenLinks(screen: Screen): Promise<Screen> {
    if (!screen.buttons?.some((row) => row.some((b) => b.url))) return screen;
    const short = (url: string) => (url.length > 80 ? this.deps.shortLinks.shorten(this.merchantId, url) : url);
    const buttons = await Promise.all(
      screen.buttons.map((row) => Promise.all(row.map(async (b) => (b.url ? { ...b, url: await short(b.url) } : b)))),
    );
    return { ...screen, buttons };
  }
}
