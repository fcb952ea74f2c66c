import { isDomainError } from '../../domain/errors.js';
import type { Member } from '../../domain/members/types.js';
import { formatAmount, formatPhone } from '../format.js';
import type { ChatInput } from '../input.js';
import { balancesLine } from '../screens/member-screens.js';
import type { Screen } from '../screens/types.js';
import { parseStartPayload } from '../start-payload.js';
import type { Turn } from '../turn.js';
import { startProfile } from './profile.js';

/**
 * Someone who is not a member yet: a link's payload is remembered (and counts as an invitation
 * reached), the shared phone registers them or claims the pending member with that phone, then
 * the short profile. On WhatsApp the phone comes with the first message; on Telegram the member
 * shares their own contact with the button, asked for from /start on.
 */
export async function join(turn: Turn, input: ChatInput) {
  const { t, peer, deps } = turn;
  const ask = (text: string): Screen => ({ text, keyboard: { kind: 'contact' }, role: 'note' });
  if (input.kind === 'start') {
    const payload = parseStartPayload(input.payload);
    if (payload.referralCode) await deps.referrals.recordInvite(turn.merchantId, payload.referralCode, peer.channel, peer.chatId);
    if (payload.referralCode || payload.source) turn.session.start = { ...turn.session.start, ...payload };
    if (!turn.whatsapp) turn.ask({ kind: 'join' }, ask(t('start.welcome', { name: peer.name ?? '', club: turn.c.clubName })));
    return;
  }
  if (turn.whatsapp && (input.kind !== 'contact' || !input.phone)) return turn.note(t('whatsapp.no_phone'));
  if (input.kind !== 'contact') return turn.ask({ kind: 'join' }, ask(t('start.use_button')));
  if (!input.own) return turn.ask({ kind: 'join' }, ask(t('start.not_your_contact')));
  const start = turn.session.start ?? {};
  const referrer = start.referralCode ? await deps.members.findByReferralCode(turn.merchantId, start.referralCode) : null;
  let outcome;
  try {
    outcome = await deps.members.register({
      merchantId: turn.merchantId,
      phone: input.phone,
      channel: peer.channel,
      externalUserId: peer.chatId,
      chatId: peer.chatId,
      locale: turn.locale,
      sourceTag: start.source,
      referrerId: referrer?.id,
    });
  } catch (err) {
    if (isDomainError(err, 'member_blocked')) return turn.show({ text: t('start.blocked'), keyboard: { kind: 'remove' }, role: 'note' });
    if (isDomainError(err, 'invalid_phone'))
      return turn.whatsapp ? turn.note(t('whatsapp.no_phone')) : turn.ask({ kind: 'join' }, ask(t('start.invalid_phone')));
    throw err;
  }
  turn.session.start = undefined;
  turn.session.flow = undefined;
  const { member } = outcome;
  const c = turn.c;
  if (outcome.alreadyActive) {
    if (!turn.whatsapp) return turn.show({ text: t('start.already_member'), keyboard: { kind: 'main' }, role: 'note' });
    turn.note(t('whatsapp.linked', { club: c.clubName }));
    return turn.menu();
  }
  const balances = balancesLine(member.balances, c);
  const code = member.memberCode;
  const gift = await joinGift(turn, member);
  const said = (text: string) => (gift ? `${text}\n\n${gift}` : text);
  if (turn.whatsapp) {
    const name = peer.name?.trim() ? ` ${peer.name.trim()}` : '';
    turn.note(
      said(
        outcome.claimed
          ? t('whatsapp.claimed', { name, club: c.clubName, balances, code })
          : t('whatsapp.joined', { name, club: c.clubName, phone: formatPhone(member.phone, turn.locale), code }),
      ),
    );
  } else turn.note(said(outcome.claimed ? t('start.claimed', { balances, code }) : t('start.joined', { code })));
  turn.note(t(turn.whatsapp ? 'whatsapp.profile_intro' : 'start.profile_intro'));
  turn.peer.member = member;
  startProfile(turn);
}

/**
 * A friend's link earns the new member a join reward: paid here, before the answer, so the
 * welcome says it ahead of the profile questions (a notice would come after the first of them).
 * The event worker pays the same reward idempotently for a join it sees; whichever call pays
 * it tells it: this one in the welcome (its event carries told_in_chat), else that one's notice.
 * A failure here leaves the reward to the worker and its notice.
 */
async function joinGift(turn: Turn, member: Member): Promise<string | null> {
  if (!member.referrerId || !member.joinedNew) return null;
  try {
    const reward = await turn.deps.referrals.onJoined(turn.merchantId, member.id, member.referrerId, true, { toldInChat: true });
    if (!reward) return null;
    const { c } = turn;
    const amount = formatAmount(reward.currency, reward.amount, c.moneyUnit, c.locale, c.t);
    const name = reward.otherName;
    return c.t(`notify.referral_join_friend${name ? '' : '_anon'}`, { name, reward: amount });
  } catch (err) {
    turn.deps.logger.warn({ err, memberId: member.id }, 'join reward left to the event worker');
    return null;
  }
}
