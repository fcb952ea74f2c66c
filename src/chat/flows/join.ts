import { isDomainError } from '../../domain/errors.js';
import { formatIranianPhone } from '../../domain/members/phone.js';
import { toPersianDigits } from '../../lib/digits.js';
import type { ChatInput } from '../input.js';
import { balancesLine } from '../screens/member-screens.js';
import { parseStartPayload } from '../start-payload.js';
import type { Turn } from '../turn.js';
import { startProfile } from './profile.js';

/**
 * Someone who is not a member yet: a link's payload is remembered (and counts as an invitation
 * reached), the shared phone registers them or claims the pending member with that phone, then
 * the short profile.
 */
export async function join(turn: Turn, input: ChatInput) {
  const { t, peer, deps } = turn;
  if (input.kind === 'start') {
    const payload = parseStartPayload(input.payload);
    if (payload.referralCode) await deps.referrals.recordInvite(turn.merchantId, payload.referralCode, peer.channel, peer.chatId);
    if (payload.referralCode || payload.source) turn.session.start = { ...turn.session.start, ...payload };
    return;
  }
  if (input.kind !== 'contact' || !input.phone) return turn.note(t('whatsapp.no_phone'));
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
    if (isDomainError(err, 'member_blocked')) return turn.note(t('start.blocked'));
    if (isDomainError(err, 'invalid_phone')) return turn.note(t('whatsapp.no_phone'));
    throw err;
  }
  turn.session.start = undefined;
  const { member } = outcome;
  const c = turn.c;
  if (outcome.alreadyActive) {
    turn.note(t('whatsapp.linked', { club: c.clubName }));
    return turn.menu();
  }
  const name = peer.name?.trim() ? ` ${peer.name.trim()}` : '';
  const phone = formatIranianPhone(member.phone);
  turn.note(
    outcome.claimed
      ? t('whatsapp.claimed', { name, club: c.clubName, balances: balancesLine(member.balances, c), code: member.memberCode })
      : t('whatsapp.joined', { name, club: c.clubName, phone: turn.locale === 'fa' ? toPersianDigits(phone) : phone, code: member.memberCode }),
  );
  turn.note(t('whatsapp.profile_intro'));
  turn.peer.member = member;
  startProfile(turn);
}
