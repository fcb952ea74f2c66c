import type { Redis } from 'ioredis';
import { isDomainError } from '../../domain/errors.js';
import type { MemberService } from '../../domain/members/member-service.js';
import type { Member, ProfileUpdate } from '../../domain/members/types.js';
import { formatIranianPhone } from '../../domain/members/phone.js';
import { REFERRAL_CODE_REFUSALS, type ReferralService } from '../../domain/referrals/referral-service.js';
import { maskedName } from '../../domain/referrals/names.js';
import type { CampaignService } from '../../domain/campaigns/campaign-service.js';
import type { ClubScreens } from '../../chat/club-screens.js';
import type { RewardChat } from '../../chat/reward-chat.js';
import type { Awaiting, FeedbackChat, FeedbackStep } from '../../chat/feedback-chat.js';
import { actionForTyped, type MenuAction } from '../../chat/menu.js';
import { allTranslations, isLocale, translator, type Locale, type Translate } from '../../chat/i18n.js';
import { helpScreen, balancesLine, languageScreen } from '../../chat/screens/member-screens.js';
import { parseBirthDate, parseCity, parseName, type Parsed } from '../../chat/profile-answers.js';
import { parseStartPayload } from '../../chat/start-payload.js';
import { stripIsolates } from '../../chat/bidi.js';
import { foldForMatch } from '../../chat/text-match.js';
import type { Screen } from '../../chat/screens/types.js';
import { toLatinDigits, toPersianDigits } from '../../lib/digits.js';
import type { Logger } from '../../logger.js';
import type { IncomingWhatsAppMessage } from './client.js';
import { mainMenuView, renderScreen, type WhatsAppMessage, type WhatsAppView } from './render.js';
import type { Clock } from '../../domain/clock.js';
import type { ShortLinks } from '../../domain/links/short-links.js';

const PROFILE_STEPS = ['firstName', 'lastName', 'birthDate', 'gender', 'city'] as const;
type ProfileStep = (typeof PROFILE_STEPS)[number];

/** Kept in Redis per chat, so a restart (or another replica) continues where the member was. */
interface Session {
  locale?: Locale;
  /** What each number of the last screen does; absent: the main menu's numbers. */
  options?: string[];
  /** The number of `options[0]`: 1, or 0 on a 0–10 score scale. */
  optionBase?: 0 | 1;
  /** The text that offered the options, to ask again after an answer that is none of them. */
  prompt?: string;
  flow?: { kind: 'profile'; step: number } | { kind: 'code' } | { kind: 'feedback'; awaiting: Awaiting };
}

const SESSION_TTL_SECONDS = 30 * 86_400;
const sessionKey = (prefix: string, merchantId: string, chatId: string) => `${prefix}:wa-session:${merchantId}:${chatId}`;

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
export async function setWhatsAppOptions(redis: Redis, prefix: string, merchantId: string, chatId: string, offered: OfferedOptions): Promise<void> {
  const key = sessionKey(prefix, merchantId, chatId);
  const session = JSON.parse((await redis.get(key)) ?? '{}') as Session;
  const next: Session = offered.options
    ? { ...session, options: offered.options, optionBase: offered.optionBase, prompt: offered.prompt, flow: undefined }
    : { ...session, options: undefined, optionBase: undefined, prompt: undefined };
  await redis.set(key, JSON.stringify(next), 'EX', SESSION_TTL_SECONDS);
}

/** What answering `n` does after the last screen: one of its options, or the main menu's. */
function optionFor(session: Session, n: number, mainMenu: string[]): string | undefined {
  if (!session.options) return mainMenu[n - 1];
  return session.options[n - (session.optionBase ?? 1)];
}

export interface WhatsAppChatDeps {
  members: MemberService;
  screens: ClubScreens;
  rewards: RewardChat;
  feedback: FeedbackChat;
  referrals: ReferralService;
  campaigns: CampaignService;
  shortLinks: ShortLinks;
  redis: Redis;
  redisPrefix: string;
  defaultLocale: Locale;
  logger: Logger;
  clock: Clock;
}

/** wa.me link that opens a chat with the club, the join text (with a referral or source code) typed in. */
export function whatsappJoinLink(clubNumber: string, t: Translate, club: string, payload: string): string {
  return `https://wa.me/${clubNumber.replace(/^\+/, '')}?text=${encodeURIComponent(t('whatsapp.join_text', { club, code: payload }))}`;
}

/** The wa.me join link as members get it: a short link on the club's host that redirects there. */
export function shortJoinLink(links: ShortLinks, merchantId: string, clubNumber: string, t: Translate, club: string, payload: string): Promise<string> {
  return links.shorten(merchantId, whatsappJoinLink(clubNumber, t, club, payload));
}

/** The deep-link payload (r_<code> / s_<tag>) anywhere in a message, as Telegram's /start carries it. */
function payloadIn(text: string) {
  const token = /(?:^|[\s(])([rs]_[A-Za-z0-9_-]{1,62})(?=$|[\s).،,])/.exec(text)?.[1];
  return parseStartPayload(token);
}

const keyword = (text: string, key: string) => allTranslations(`whatsapp.keywords.${key}`).some((k) => foldForMatch(k) === foldForMatch(text));

/**
 * The club for one merchant on WhatsApp, over numbered text menus: the same screens as Telegram
 * (ClubScreens, RewardChat) and the same domain services; nothing here decides a business rule.
 */
export class WhatsAppChat {
  /** One message at a time per chat: WhatsApp can deliver two at once. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly merchantId: string,
    private readonly clubNumber: string,
    private readonly deps: WhatsAppChatDeps,
  ) {}

  /** Answers one incoming message with the messages to send back, in order. */
  handle(message: IncomingWhatsAppMessage): Promise<WhatsAppMessage[]> {
    const prev = this.queues.get(message.chatId) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(() => this.process(message));
    this.queues.set(message.chatId, next);
    void next.finally(() => {
      if (this.queues.get(message.chatId) === next) this.queues.delete(message.chatId);
    }).catch(() => {});
    return next;
  }

  private key(chatId: string) {
    return sessionKey(this.deps.redisPrefix, this.merchantId, chatId);
  }

  private async load(chatId: string): Promise<Session> {
    const raw = await this.deps.redis.get(this.key(chatId));
    return raw ? (JSON.parse(raw) as Session) : {};
  }

  private async save(chatId: string, session: Session) {
    await this.deps.redis.set(this.key(chatId), JSON.stringify(session), 'EX', SESSION_TTL_SECONDS);
  }

  private async process(incoming: IncomingWhatsAppMessage): Promise<WhatsAppMessage[]> {
    const message = { ...incoming, text: stripIsolates(incoming.text) }; // a join text or code pasted from our messages
    const session = await this.load(message.chatId);
    const out: WhatsAppMessage[] = [];
    const text = message.text.trim();
    const member = await this.deps.members.findByIdentity(this.merchantId, 'whatsapp', message.chatId);
    if (!member) {
      await this.join(message, session, out);
      await this.save(message.chatId, session);
      return out;
    }
    const locale = this.locale(session, member);
    const t = translator(locale);
    await this.deps.members.markReachable(this.merchantId, 'whatsapp', message.chatId);
    await this.deps.members.markSeen(this.merchantId, 'whatsapp', message.chatId);
    if (member.status === 'blocked') return [{ text: t('start.blocked') }];

    const payload = payloadIn(text);
    const campaign = /^c([0-9a-f-]{36})$/.exec(payload.source ?? '')?.[1];
    if (campaign) {
      await this.deps.campaigns.recordClick(this.merchantId, campaign, member.id);
      session.flow = undefined;
      await this.showMenu(session, locale, out);
    } else {
      await this.answer(member, message.chatId, session, text, locale, out);
    }
    await this.save(message.chatId, session);
    return out;
  }

  private locale(session: Session, member: Member | null): Locale {
    if (session.locale) return session.locale;
    return isLocale(member?.locale) ? member.locale : this.deps.defaultLocale;
  }

  private async clubName(locale: Locale) {
    return (await this.deps.screens.context(this.merchantId, locale)).clubName;
  }

  /** The first message from a number: it joins (the phone comes with the message), with the link's referral or source. */
  private async join(message: IncomingWhatsAppMessage, session: Session, out: WhatsAppMessage[]): Promise<boolean> {
    const locale = this.locale(session, null);
    const t = translator(locale);
    if (!message.phone) {
      out.push({ text: t('whatsapp.no_phone') });
      return false;
    }
    const payload = payloadIn(message.text);
    if (payload.referralCode) await this.deps.referrals.recordInvite(this.merchantId, payload.referralCode, 'whatsapp', message.chatId);
    const referrer = payload.referralCode ? await this.deps.members.findByReferralCode(this.merchantId, payload.referralCode) : null;
    let outcome;
    try {
      outcome = await this.deps.members.register({
        merchantId: this.merchantId,
        phone: message.phone,
        channel: 'whatsapp',
        externalUserId: message.chatId,
        chatId: message.chatId,
        locale,
        sourceTag: payload.source,
        referrerId: referrer?.id,
      });
    } catch (err) {
      if (isDomainError(err, 'member_blocked')) {
        out.push({ text: t('start.blocked') });
        return false;
      }
      if (isDomainError(err, 'invalid_phone')) {
        out.push({ text: t('whatsapp.no_phone') });
        return false;
      }
      throw err;
    }
    const { member } = outcome;
    await this.deps.members.markSeen(this.merchantId, 'whatsapp', message.chatId);
    const c = await this.deps.screens.context(this.merchantId, locale);
    if (outcome.alreadyActive) {
      out.push({ text: t('whatsapp.linked', { club: c.clubName }) });
      await this.showMenu(session, locale, out);
      return true;
    }
    const name = message.name?.trim() ? ` ${message.name.trim()}` : '';
    const phone = formatIranianPhone(member.phone);
    out.push({
      text: outcome.claimed
        ? t('whatsapp.claimed', { name, club: c.clubName, balances: balancesLine(member.balances, c), code: member.memberCode })
        : t('whatsapp.joined', { name, club: c.clubName, phone: locale === 'fa' ? toPersianDigits(phone) : phone, code: member.memberCode }),
    });
    out.push({ text: t('whatsapp.profile_intro') });
    session.flow = { kind: 'profile', step: 0 };
    session.options = undefined;
    out.push({ text: this.question(PROFILE_STEPS[0], t) });
    return true;
  }

  /** A member's message: a step of a question in progress, a keyword, a menu label, or a number. */
  private async answer(member: Member, chatId: string, session: Session, text: string, locale: Locale, out: WhatsAppMessage[]): Promise<void> {
    const t = translator(locale);
    const latin = toLatinDigits(text);
    // On a 0–10 scale 0 is a score; the word still leads to the menu.
    const zeroIsOption = !!session.options && session.optionBase === 0;
    const menuWord = keyword(text, 'menu') || (latin === '0' && !zeroIsOption);
    if (keyword(text, 'stop')) {
      session.flow = undefined;
      await this.deps.members.setOptOut(this.merchantId, member.id, true);
      out.push({ text: t('whatsapp.opted_out') });
      return;
    }
    if (keyword(text, 'start')) {
      session.flow = undefined;
      if (member.optedOut) {
        await this.deps.members.setOptOut(this.merchantId, member.id, false);
        out.push({ text: t('whatsapp.opted_in') });
      }
      await this.showMenu(session, locale, out);
      return;
    }
    if (session.flow?.kind === 'profile') {
      if (keyword(text, 'menu')) {
        session.flow = undefined;
        return this.showMenu(session, locale, out);
      }
      await this.profileStep(member, session, text, t, out);
      if (!session.flow) await this.showMenu(session, locale, out);
      return;
    }
    if (session.flow?.kind === 'feedback') {
      const awaiting = session.flow.awaiting;
      session.flow = undefined;
      if (menuWord) return this.showMenu(session, locale, out);
      // A number answers the options of the question on screen (stars, a choice) before it is text.
      const option = /^\d{1,2}$/.test(latin) && session.options ? optionFor(session, Number(latin), []) : undefined;
      if (option) return this.act(member, session, option, locale, out);
      return this.feedbackStep(session, await this.deps.feedback.text(member, locale, awaiting, text), locale, out);
    }
    if (session.flow?.kind === 'code') {
      session.flow = undefined;
      if (!menuWord) out.push({ text: await this.enterCode(member, chatId, text, t) });
      await this.showMenu(session, locale, out);
      return;
    }
    if (menuWord) {
      await this.showMenu(session, locale, out);
      return;
    }
    const label = actionForTyped(text);
    if (label) {
      await this.act(member, session, `menu:${label}`, locale, out);
      return;
    }
    if (/^\d{1,3}$/.test(latin)) {
      const action = optionFor(session, Number(latin), mainMenuView('', t, locale).options!);
      if (action) {
        await this.act(member, session, action, locale, out);
        return;
      }
    }
    // A survey question stays open until it is answered: say what is expected and ask it again.
    if (session.options?.some((o) => o.startsWith('sv:')) && session.prompt) {
      out.push({ text: t('whatsapp.hint') }, { text: session.prompt });
      return;
    }
    out.push({ text: t('whatsapp.hint') });
    await this.showMenu(session, locale, out);
  }

  private async showMenu(session: Session, locale: Locale, out: WhatsAppMessage[]) {
    const t = translator(locale);
    this.show(session, mainMenuView(t('menu.title', { club: await this.clubName(locale) }), t, locale), out);
    session.options = undefined;
    session.prompt = undefined;
  }

  private show(session: Session, view: WhatsAppView, out: WhatsAppMessage[]) {
    out.push(...view.messages);
    session.options = view.options ?? undefined;
    session.optionBase = view.options ? view.optionBase : undefined;
    session.prompt = view.options ? view.messages.at(-1)?.text : undefined;
  }

  private async screen(session: Session, screen: Screen, locale: Locale, out: WhatsAppMessage[]) {
    this.show(session, renderScreen(screen, translator(locale), locale), out);
  }

  /** What a numbered option (a Telegram button's action) does here. */
  private async act(member: Member, session: Session, action: string, locale: Locale, out: WhatsAppMessage[]) {
    const { screens, rewards } = this.deps;
    const t = translator(locale);
    const m = (re: RegExp) => re.exec(action);
    let r: RegExpExecArray | null;
    if (action.startsWith('menu:')) return this.menuAction(member, session, action.slice(5) as MenuAction, locale, out);
    if ((r = m(/^hist:(a|b):(\d+):(\d+)$/))) {
      const cursor = r[1] === 'b' ? { before: Number(r[2]) } : { after: Number(r[2]) };
      return this.screen(session, await screens.history(this.merchantId, member.id, locale, { ...cursor, number: Number(r[3]) }), locale, out);
    }
    if ((r = m(/^lang:(fa|en)$/))) {
      const next = r[1] as Locale;
      session.locale = next;
      await this.deps.members.updateProfile(this.merchantId, member.id, { locale: next });
      out.push({ text: translator(next)('language.changed') });
      return this.showMenu(session, next, out);
    }
    if (action === 'profile:edit') {
      session.flow = { kind: 'profile', step: 0 };
      session.options = undefined;
      out.push({ text: this.question(PROFILE_STEPS[0], t) });
      return;
    }
    if (action === 'referral:code') {
      session.flow = { kind: 'code' };
      session.options = undefined;
      out.push({ text: t('whatsapp.ask_code') });
      return;
    }
    if ((r = m(/^wheel:spin:([0-9a-f]{8})$/))) {
      const { replayed, screen } = await rewards.spin(member, locale, r[1]!);
      if (replayed) out.push({ text: t('wheel.already') });
      return this.screen(session, screen, locale, out);
    }
    if ((r = m(/^gift:p:(\d{1,4})$/))) return this.screen(session, await rewards.gifts(member, locale, Number(r[1])), locale, out);
    if ((r = m(/^gift:v:([0-9a-f-]{36}):(\d{1,4})$/))) return this.screen(session, await rewards.gift(member, locale, r[1]!, Number(r[2])), locale, out);
    if ((r = m(/^gift:r:([0-9a-f-]{36})(?::[0-9a-f]{8})?$/))) return this.screen(session, await rewards.confirmGift(member, locale, r[1]!), locale, out);
    if ((r = m(/^gift:ok:([0-9a-f-]{36}):([0-9a-f]{8})$/))) return this.screen(session, await rewards.requestGift(member, locale, r[1]!, r[2]!), locale, out);
    if (action === 'gift:mine') return this.screen(session, await rewards.myGiftRequests(member, locale), locale, out);
    if ((r = m(/^vch:b:([0-9a-f-]{36})$/))) return this.screen(session, await rewards.confirmVoucher(member, locale, r[1]!), locale, out);
    if ((r = m(/^vch:ok:([0-9a-f-]{36}):([0-9a-f]{8})$/))) return this.screen(session, await rewards.buyVoucher(member, locale, r[1]!, r[2]!), locale, out);
    if ((r = m(/^raf:b:([0-9a-f-]{36}):(\d{1,3})$/))) return this.screen(session, await rewards.confirmTickets(member, locale, r[1]!, Number(r[2])), locale, out);
    if ((r = m(/^raf:ok:([0-9a-f-]{36}):(\d{1,3}):([0-9a-f]{8})$/))) return this.screen(session, await rewards.buyTickets(member, locale, r[1]!, Number(r[2]), r[3]!), locale, out);
    if (action === 'vch:no' || action === 'raf:no' || action === 'gift:no') {
      out.push({ text: t('vouchers.cancelled') });
      return this.showMenu(session, locale, out);
    }
    if (/^(sv|tk):/.test(action)) {
      const step = await this.deps.feedback.act(member, locale, action);
      if (step) return this.feedbackStep(session, step, locale, out);
    }
    if (action === 'optout') {
      await this.deps.members.setOptOut(this.merchantId, member.id, true);
      out.push({ text: t('whatsapp.opted_out') });
      return;
    }
    this.deps.logger.warn({ action }, 'whatsapp option without a handler');
    out.push({ text: t('whatsapp.hint') });
    return this.showMenu(session, locale, out);
  }

  /** A feedback screen; when it waits for typed text, the next message goes to it. */
  private async feedbackStep(session: Session, step: FeedbackStep, locale: Locale, out: WhatsAppMessage[]) {
    await this.screen(session, step.screen, locale, out);
    if (step.awaiting) session.flow = { kind: 'feedback', awaiting: step.awaiting };
  }

  private async menuAction(member: Member, session: Session, action: MenuAction, locale: Locale, out: WhatsAppMessage[]) {
    const { screens, rewards } = this.deps;
    const c = await screens.context(this.merchantId, locale);
    switch (action) {
      case 'balance':
        return this.screen(session, await screens.balance(member, locale), locale, out);
      case 'invite': {
        const link = await shortJoinLink(this.deps.shortLinks, this.merchantId, this.clubNumber, c.t, c.clubName, `r_${member.referralCode}`);
        return this.screen(session, await this.shortenButtonLinks(await screens.invite(this.merchantId, member, locale, link, 'whatsapp')), locale, out);
      }
      case 'history':
        return this.screen(session, await screens.history(this.merchantId, member.id, locale), locale, out);
      case 'profile':
        return this.screen(session, await screens.profile(this.merchantId, member.id, locale), locale, out);
      case 'language':
        return this.screen(session, languageScreen(c), locale, out);
      case 'help':
        return this.screen(session, { ...helpScreen(c), text: c.t('whatsapp.help', { club: c.clubName }) }, locale, out);
      case 'wheel':
        return this.screen(session, await rewards.wheel(member, locale), locale, out);
      case 'gifts':
        return this.screen(session, await rewards.gifts(member, locale), locale, out);
      case 'vouchers':
        return this.screen(session, await rewards.vouchers(member, locale), locale, out);
      case 'raffles':
        return this.screen(session, await rewards.raffles(member, locale), locale, out);
      case 'support':
        return this.feedbackStep(session, await this.deps.feedback.support(member, locale), locale, out);
      case 'inbox':
        return this.feedbackStep(session, await this.deps.feedback.inbox(member, locale), locale, out);
    }
  }

  /** WhatsApp shows a button's link as text: a long one (the share link with its text) becomes a short link. */
  private async shortenButtonLinks(screen: Screen): Promise<Screen> {
    if (!screen.buttons) return screen;
    const short = (url: string) => (url.length > 80 ? this.deps.shortLinks.shorten(this.merchantId, url) : url);
    const buttons = await Promise.all(screen.buttons.map((row) => Promise.all(row.map(async (b) => (b.url ? { ...b, url: await short(b.url) } : b)))));
    return { ...screen, buttons };
  }

  private question(step: ProfileStep, t: Translate): string {
    const keys: Record<ProfileStep, string> = { firstName: 'first_name', lastName: 'last_name', birthDate: 'birth_date', gender: 'gender', city: 'city' };
    const q = t(`profile_steps.${keys[step]}`);
    return step === 'gender' ? `${q}\n${t('whatsapp.gender_options')}` : `${q}\n${t('whatsapp.skip_hint')}`;
  }

  /** One answer of the short profile: saved at once; a bad answer is explained and asked again. */
  private async profileStep(member: Member, session: Session, text: string, t: Translate, out: WhatsAppMessage[]) {
    const flow = session.flow as { kind: 'profile'; step: number };
    const step = PROFILE_STEPS[flow.step]!;
    const latin = toLatinDigits(text).trim();
    if (latin !== '0') {
      const parsed = this.parseStep(step, latin === text.trim() ? text.trim() : latin, text.trim());
      if ('error' in parsed) {
        out.push({ text: t(parsed.error) });
        out.push({ text: this.question(step, t) });
        return;
      }
      try {
        await this.deps.members.updateProfile(this.merchantId, member.id, parsed.ok);
      } catch (err) {
        if (!isDomainError(err)) throw err;
        out.push({ text: t(step === 'birthDate' ? 'whatsapp.bad_birth_date' : 'whatsapp.bad_name') });
        out.push({ text: this.question(step, t) });
        return;
      }
    }
    if (flow.step + 1 < PROFILE_STEPS.length) {
      session.flow = { kind: 'profile', step: flow.step + 1 };
      out.push({ text: this.question(PROFILE_STEPS[flow.step + 1]!, t) });
      return;
    }
    session.flow = undefined;
    out.push({ text: t('profile_steps.done') });
  }

  private parseStep(step: ProfileStep, latin: string, raw: string): Parsed<ProfileUpdate> {
    const wrap = <T>(p: Parsed<T>, field: keyof ProfileUpdate, error: string): Parsed<ProfileUpdate> =>
      'ok' in p ? { ok: { [field]: field === 'birthDate' ? new Date(p.ok as string) : p.ok } } : { error: p.error === 'profile_steps.name_too_long' ? 'whatsapp.name_too_long' : error };
    switch (step) {
      case 'firstName':
        return wrap(parseName(raw), 'firstName', 'whatsapp.bad_name');
      case 'lastName':
        return wrap(parseName(raw), 'lastName', 'whatsapp.bad_name');
      case 'birthDate':
        return wrap(parseBirthDate(raw, this.deps.clock.now()), 'birthDate', 'whatsapp.bad_birth_date');
      case 'gender':
        return latin === '1' ? { ok: { gender: 'male' } } : latin === '2' ? { ok: { gender: 'female' } } : allTranslations('profile_steps.male').includes(raw) ? { ok: { gender: 'male' } } : allTranslations('profile_steps.female').includes(raw) ? { ok: { gender: 'female' } } : { error: 'whatsapp.bad_choice' };
      case 'city':
        return wrap(parseCity(raw), 'city', 'whatsapp.bad_name');
    }
  }

  private async enterCode(member: Member, chatId: string, text: string, t: Translate): Promise<string> {
    try {
      const { referrer } = await this.deps.referrals.enterCode(this.merchantId, member, text, 'whatsapp', chatId);
      return t('referral.code_ok', { name: maskedName(referrer) ?? t('referral.someone') });
    } catch (err) {
      if (isDomainError(err) && REFERRAL_CODE_REFUSALS.includes(err.code)) return t(`referral.${err.code}`);
      throw err;
    }
  }
}
