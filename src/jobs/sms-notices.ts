import { isLocale, type Locale } from '../chat/i18n.js';
import type { ClubScreens } from '../chat/club-screens.js';
import { formatAmount } from '../chat/format.js';
import { notificationScreen } from '../chat/screens/notification-screens.js';
import { type DeliveredEvent } from '../domain/events/catalog.js';
import type { MemberService } from '../domain/members/member-service.js';
import type { Member } from '../domain/members/types.js';
import type { MerchantSettings, SettingsProvider } from '../domain/merchants/settings.js';
import type { SmsService } from '../domain/sms/sms-service.js';
import type { NoticeChannel, NoticeOutcome } from './member-notices.js';

/**
 * The SMS notice channel, last in the fallback order (Telegram, Bale, WhatsApp, SMS), so it
 * carries what no chat could take:
 * - a purchase by a phone that has not joined any chat: one SMS with what it earned and a short
 *   join link (key `join:<member>`, so no more until they join; a merchant with
 *   `sms.purchasesBeforeJoining: every` gets one per purchase, `off` none). It invites, so it is promotional:
 *   the opt-out keyword (it goes at once, even at night: it answers the purchase just made).
 * - an account message to a member unreachable on every chat (blocked, left): the notice's text
 *   (key `evt:<event id>`), unless the merchant turned `sms.accountMessages` off. Surveys wait for a chat: they need an answer.
 */
export function smsNotices(deps: {
  sms: SmsService;
  members: MemberService;
  screens: ClubScreens;
  settings: SettingsProvider;
  /** A short link that joins the club on a chat (Telegram, else WhatsApp); null when it has none. */
  joinLink(merchantId: string): Promise<string | null>;
  defaultLocale: Locale;
}): NoticeChannel {
  async function joinInvite(
    event: DeliveredEvent,
    member: Member,
    c: Awaited<ReturnType<ClubScreens['context']>>,
    sms: MerchantSettings['sms'],
  ): Promise<NoticeOutcome> {
    if (event.type !== 'purchase.recorded' || !event.payload.entries.length || sms.purchasesBeforeJoining === 'off') return 'nothing';
    const link = await deps.joinLink(event.merchantId);
    if (!link) return 'nothing';
    const earned = event.payload.entries
      .filter((e) => e.amount > 0)
      .map((e) => formatAmount(e.currency, e.amount, c.moneyUnit, c.locale, c.t))
      .join(c.t('sms.and'));
    if (!earned) return 'nothing';
    await deps.sms.send({
      merchantId: event.merchantId,
      memberId: member.id,
      phone: member.phone,
      kind: 'join_invite',
      key: sms.purchasesBeforeJoining === 'every' ? `evt:${event.id}` : `join:${member.id}`,
      text: c.t('sms.join_invite', { club: c.clubName, earned, link }),
      promotional: true,
    });
    return 'sent';
  }

  return {
    name: 'sms',
    ready: async () => deps.sms.enabled,
    async send(event, { memberId }) {
      // A survey needs an answer: it waits for a chat (another channel may still take it).
      if (event.type.startsWith('survey.')) return 'failed';
      const member = await deps.members.get(event.merchantId, memberId);
      if (member.status === 'blocked') return 'nothing';
      const { sms } = await deps.settings.get(event.merchantId);
      const locale = isLocale(member.locale) ? member.locale : deps.defaultLocale;
      const c = await deps.screens.context(event.merchantId, locale);
      if (member.status === 'pending') return joinInvite(event, member, c, sms);
      if (!sms.accountMessages) return 'nothing';
      const screen = notificationScreen(event, c);
      if (!screen) return 'nothing';
      await deps.sms.send({
        merchantId: event.merchantId,
        memberId,
        phone: member.phone,
        kind: 'notice',
        key: `evt:${event.id}`,
        text: c.t('sms.notice', { club: c.clubName, text: screen.text }),
        promotional: false,
      });
      return 'sent';
    },
  };
}
