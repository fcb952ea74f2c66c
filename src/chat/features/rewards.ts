import type { Action } from '../actions.js';
import type { Turn } from '../turn.js';

export async function showReward(turn: Turn, item: 'wheel' | 'gifts' | 'vouchers' | 'raffles') {
  const { rewards } = turn.deps;
  const { member, locale } = turn;
  turn.show(
    item === 'wheel' ? await rewards.wheel(member, locale)
    : item === 'gifts' ? await rewards.gifts(member, locale)
    : item === 'vouchers' ? await rewards.vouchers(member, locale)
    : await rewards.raffles(member, locale),
  );
}

/** Wheel, gifts, vouchers and raffles buttons. Returns false when not one of these. */
export async function rewardAction(turn: Turn, action: Action): Promise<boolean> {
  const { rewards } = turn.deps;
  const { member, locale } = turn;
  switch (action.kind) {
    case 'wheel.spin': {
      const { replayed, screen } = await rewards.spin(member, locale, action.nonce);
      if (replayed) turn.note(turn.t('wheel.already'));
      turn.show(screen);
      return true;
    }
    case 'gift.page':
      turn.show(await rewards.gifts(member, locale, action.page));
      return true;
    case 'gift.view':
      turn.show(await rewards.gift(member, locale, action.giftId, action.page));
      return true;
    case 'gift.request':
      turn.show(await rewards.requestGift(member, locale, action.giftId, action.nonce));
      return true;
    case 'gift.mine':
      turn.show(await rewards.myGiftRequests(member, locale));
      return true;
    case 'voucher.offer':
      turn.show(await rewards.confirmVoucher(member, locale, action.campaignId));
      return true;
    case 'voucher.buy':
      turn.show(await rewards.buyVoucher(member, locale, action.campaignId, action.nonce));
      return true;
    case 'raffle.offer':
      turn.show(await rewards.confirmTickets(member, locale, action.raffleId, action.count));
      return true;
    case 'raffle.buy':
      turn.show(await rewards.buyTickets(member, locale, action.raffleId, action.count, action.nonce));
      return true;
    case 'voucher.cancel':
    case 'raffle.cancel':
      turn.note(turn.t('vouchers.cancelled'));
      turn.menu();
      return true;
    default:
      return false;
  }
}
