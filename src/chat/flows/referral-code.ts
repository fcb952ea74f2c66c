import { isDomainError } from '../../domain/errors.js';
import { maskedName } from '../../domain/referrals/names.js';
import { REFERRAL_CODE_REFUSALS } from '../../domain/referrals/referral-service.js';
import type { Turn } from '../turn.js';

export function askReferralCode(turn: Turn) {
  turn.ask({ kind: 'code' }, turn.t('whatsapp.ask_code'));
}

/** A friend's referral code after joining: accepted or refused with the reason, then the menu. */
export async function referralCodeAnswer(turn: Turn, text: string) {
  const { t } = turn;
  try {
    const { referrer } = await turn.deps.referrals.enterCode(turn.merchantId, turn.member, text, turn.peer.channel, turn.peer.chatId);
    turn.note(t('referral.code_ok', { name: maskedName(referrer) ?? t('referral.someone') }));
  } catch (err) {
    if (!(isDomainError(err) && REFERRAL_CODE_REFUSALS.includes(err.code))) throw err;
    turn.note(t(`referral.${err.code}`));
  }
  turn.menu();
}
