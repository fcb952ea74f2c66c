import { isDomainError } from '../../domain/errors.js';
import { maskedName } from '../../domain/referrals/names.js';
import { REFERRAL_CODE_REFUSALS } from '../../domain/referrals/referral-service.js';
import type { Turn } from '../turn.js';

/** A mistyped code is asked for again where buttons can skip (Telegram), this many times in all; refusals a retry cannot fix end at once. */
const CODE_TRIES = 3;
const RETRYABLE = ['unknown_referral_code', 'own_referral_code', 'circular_referral'];

const question = (turn: Turn, text: string) => ({
  text,
  keyboard: { kind: 'choices' as const, options: [turn.t('profile_steps.skip')] },
  role: 'note' as const,
});

/** The code question; asked again (after something that was not its answer) with the tries used so far. */
export function askReferralCode(turn: Turn, tries = 1) {
  turn.ask({ kind: 'code', tries }, turn.whatsapp ? turn.t('whatsapp.ask_code') : question(turn, turn.t('referral.ask_code')));
}

/** A friend's referral code after joining: accepted, asked again, or refused with the reason; then the menu. */
export async function referralCodeAnswer(turn: Turn, tries: number, text: string) {
  const { t } = turn;
  const done = (said: string) =>
    turn.whatsapp ? (turn.note(said), turn.menu()) : turn.show({ text: said, keyboard: { kind: 'main' }, role: 'note' });
  if (!turn.whatsapp && turn.isSkip(text)) return turn.menu();
  try {
    const { referrer } = await turn.deps.referrals.enterCode(turn.merchantId, turn.member, text, turn.peer.channel, turn.peer.chatId);
    return done(t('referral.code_ok', { name: maskedName(referrer) ?? t('referral.someone') }));
  } catch (err) {
    if (!(isDomainError(err) && REFERRAL_CODE_REFUSALS.includes(err.code))) throw err;
    const said = t(`referral.${err.code}`);
    if (turn.whatsapp) return done(said);
    const retry = RETRYABLE.includes(err.code);
    if (retry && tries < CODE_TRIES)
      return turn.ask({ kind: 'code', tries: tries + 1 }, question(turn, `${said}\n${t('referral.ask_again')}`));
    return done(retry ? `${said}\n${t('referral.try_later')}` : said);
  }
}
