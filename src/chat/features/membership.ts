import type { Action } from '../actions.js';
import type { MenuAction } from '../menu.js';
import { helpScreen, languageScreen } from '../screens/member-screens.js';
import { askReferralCode } from '../flows/referral-code.js';
import { startProfile } from '../flows/profile.js';
import type { Turn } from '../turn.js';
import { isDomainError } from '../../domain/errors.js';
import { reachLabel } from '../screens/reach-screens.js';
import { showReward } from './rewards.js';
import { openFeedback } from './feedback.js';

/** The main menu's items. */
export async function menuItem(turn: Turn, item: MenuAction) {
  const { screens } = turn.deps;
  const { c, member, merchantId, locale } = turn;
  switch (item) {
    case 'balance':
      return turn.show(await screens.balance(member, locale));
    case 'invite':
      return turn.show(await screens.invite(merchantId, member, locale, await turn.peer.inviteLink(member, c), turn.peer.channel));
    case 'history':
      return turn.show(await screens.history(merchantId, member.id, locale));
    case 'profile':
      return turn.show(await screens.profile(merchantId, member.id, locale));
    case 'language':
      return turn.show(languageScreen(c));
    case 'help': {
      const help = helpScreen(c);
      // Staff also read how to reach admin mode and the report.
      if (turn.whatsapp) return turn.show({ ...help, text: c.t('whatsapp.help', { club: c.clubName }) });
      return turn.show(turn.peer.staff ? { ...help, text: `${help.text}\n${c.t('help.staff')}` } : help);
    }
    case 'wheel':
    case 'gifts':
    case 'vouchers':
    case 'raffles':
      return showReward(turn, item);
    case 'support':
    case 'inbox':
      return openFeedback(turn, item);
  }
}

/** The member's own buttons: menu items, history pages, language, profile, referral code, promotions. Returns false when not one of these. */
export async function membershipAction(turn: Turn, action: Action): Promise<boolean> {
  const { members } = turn.deps;
  switch (action.kind) {
    case 'home':
      turn.menu();
      return true;
    case 'menu':
      await menuItem(turn, action.item);
      return true;
    case 'history.page': {
      const cursor = action.dir === 'b' ? { before: action.id } : { after: action.id };
      turn.show({
        ...(await turn.deps.screens.history(turn.merchantId, turn.member.id, turn.locale, { ...cursor, number: action.page })),
        replace: true,
      });
      return true;
    }
    case 'language.set':
      await turn.switchLocale(action.locale);
      await members.updateProfile(turn.merchantId, turn.member.id, { locale: action.locale });
      turn.toast = turn.t('language.changed');
      turn.note(turn.t('language.changed'), true);
      turn.menu();
      return true;
    case 'profile.edit':
      startProfile(turn, true);
      return true;
    case 'referral.code':
      askReferralCode(turn);
      return true;
    case 'reach.choose':
      turn.show(await turn.deps.screens.reachChoice(turn.merchantId, turn.member.id, turn.locale));
      return true;
    case 'reach.set': {
      const channel = action.channel === 'last' ? null : action.channel;
      try {
        await members.setPreferredChannel(turn.merchantId, turn.member.id, channel);
      } catch (err) {
        // An old button for a chat the member no longer has: offer the choice again.
        if (!isDomainError(err)) throw err;
        turn.show(await turn.deps.screens.reachChoice(turn.merchantId, turn.member.id, turn.locale));
        return true;
      }
      turn.note(turn.t('reach.set', { value: reachLabel(channel, turn.c) }));
      turn.show(await turn.deps.screens.profile(turn.merchantId, turn.member.id, turn.locale));
      return true;
    }
    case 'promo.optOut':
      await members.setOptOut(turn.merchantId, turn.member.id, true);
      if (turn.whatsapp) turn.note(turn.t('whatsapp.opted_out'));
      else
        turn.show({
          text: turn.t('optout.done'),
          buttons: [[{ label: turn.t('optout.back'), action: { kind: 'promo.optIn' } }]],
          role: 'note',
        });
      return true;
    case 'promo.optIn':
      turn.spent = true;
      await members.setOptOut(turn.merchantId, turn.member.id, false);
      turn.note(turn.t('optout.again'));
      return true;
    default:
      return false;
  }
}
