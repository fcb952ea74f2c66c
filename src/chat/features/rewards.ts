import type { Action } from '../actions.js';
import type { Screen } from '../screens/types.js';
import type { Turn } from '../turn.js';

export async function showReward(turn: Turn, item: 'wheel' | 'gifts' | 'vouchers' | 'raffles') {
  const { rewards } = turn.deps;
  const { member, locale } = turn;
  turn.show(
    item === 'wheel'
      ? await rewards.wheel(member, locale)
      : item === 'gifts'
        ? await rewards.gifts(member, locale)
        : item === 'vouchers'
          ? await rewards.vouchers(member, locale)
          : await rewards.raffles(member, locale),
  );
}

/** Wheel, gifts, vouchers and raffles buttons. Returns false when not one of these. */
export async function rewardAction(turn: Turn, action: Action): Promise<boolean> {
  const { rewards } = turn.deps;
  const { member, locale } = turn;
  const replace = (screen: Screen) => {
    turn.show({ ...screen, replace: true });
    return true;
  };
  switch (action.kind) {
    case 'wheel.spin': {
      const { replayed, frames, screen } = await rewards.spin(member, locale, action.nonce);
      // A second tap of the same button: said once on a chat of numbers, silently (a toast) where buttons stay.
      if (replayed && !turn.whatsapp) {
        turn.toast = turn.t('wheel.already');
        return true;
      }
      if (replayed) turn.note(turn.t('wheel.already'));
      turn.spent = true;
      turn.show({ ...screen, frames });
      return true;
    }
    case 'gift.page':
      return replace(await rewards.gifts(member, locale, action.page));
    case 'gift.view':
      return replace(await rewards.gift(member, locale, action.giftId, action.page));
    case 'gift.ask':
    case 'gift.askOld':
      return replace(await rewards.confirmGift(member, locale, action.giftId));
    case 'gift.request':
      return replace(await rewards.requestGift(member, locale, action.giftId, action.nonce));
    case 'gift.mine':
      return replace(await rewards.myGiftRequests(member, locale));
    case 'voucher.offer':
      turn.show(await rewards.confirmVoucher(member, locale, action.campaignId));
      return true;
    case 'voucher.buy':
      return replace(await rewards.buyVoucher(member, locale, action.campaignId, action.nonce));
    case 'raffle.offer':
      turn.show(await rewards.confirmTickets(member, locale, action.raffleId, action.count));
      return true;
    case 'raffle.buy':
      return replace(await rewards.buyTickets(member, locale, action.raffleId, action.count, action.nonce));
    case 'gift.cancel':
    case 'voucher.cancel':
    case 'raffle.cancel':
      turn.note(turn.t('vouchers.cancelled'), true);
      if (turn.whatsapp) turn.menu();
      return true;
    default:
      return false;
  }
}
