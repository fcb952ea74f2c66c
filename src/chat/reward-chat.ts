import { randomBytes } from 'node:crypto';
import { isDomainError } from '../domain/errors.js';
import type { Member } from '../domain/members/types.js';
import type { GiftService } from '../domain/rewards/gift-service.js';
import type { RaffleService } from '../domain/rewards/raffle-service.js';
import type { VoucherService } from '../domain/rewards/voucher-service.js';
import type { WheelService } from '../domain/rewards/wheel-service.js';
import type { ClubScreens } from './club-screens.js';
import { formatAmount, formatNumber } from './format.js';
import type { Locale } from './i18n.js';
import {
  giftCatalogScreen,
  giftConfirmScreen,
  giftDetailScreen,
  giftRequestedScreen,
  myGiftRequestsScreen,
} from './screens/gift-screens.js';
import { spendItem, type SpendOffers } from './spend-offers.js';
import { rafflesScreen, ticketConfirmScreen, ticketsBoughtScreen } from './screens/raffle-screens.js';
import type { Screen, ScreenContext } from './screens/types.js';
import { voucherBoughtScreen, voucherConfirmScreen, vouchersScreen } from './screens/voucher-screens.js';
import { blockText, spinResultScreen, wheelFrames, wheelScreen, type WheelBlock } from './screens/wheel-screens.js';
import type { Clock } from '../domain/clock.js';

/** Fresh per screen: a button pressed twice carries the same nonce, so the action happens once. */
export const newNonce = () => randomBytes(4).toString('hex');

const RESULTS_DAYS = 30;

/**
 * The rewards as member screens for any channel: wheel, gifts, vouchers, raffles. Actions take
 * the nonce of the button pressed (the idempotency key with the member id) and answer with the
 * screen to show, including the friendly refusals.
 */
export class RewardChat {
  constructor(
    private readonly deps: {
      screens: ClubScreens;
      wheel: WheelService;
      gifts: GiftService;
      vouchers: VoucherService;
      raffles: RaffleService;
      offers: SpendOffers;
      clock: Clock;
    },
  ) {}

  /** A confirmation prompt for `item`: its nonce replaces any earlier prompt's. */
  private async offer(member: Member, item: string): Promise<string> {
    const nonce = newNonce();
    await this.deps.offers.offer(member.id, item, nonce);
    return nonce;
  }

  /** A confirm button from a prompt that a newer one for the same item replaced: nothing is spent. */
  private async replaced(member: Member, item: string, nonce: string, c: ScreenContext): Promise<Screen | null> {
    return (await this.deps.offers.isCurrent(member.id, item, nonce)) ? null : { text: c.t('vouchers.replaced') };
  }

  private context(member: Member, locale: Locale): Promise<ScreenContext> {
    return this.deps.screens.context(member.merchantId, locale);
  }

  async wheel(member: Member, locale: Locale): Promise<Screen> {
    const [c, availability] = await Promise.all([this.context(member, locale), this.deps.wheel.availability(member.merchantId, member)]);
    if (!availability) return wheelScreen({ config: null, coins: 0, spinsLeft: null, nonce: '' }, c);
    const { config } = availability;
    const block = !availability.allowed
      ? (availability.reason as WheelBlock)
      : config.prizes.every((p) => p.remaining === 0)
        ? 'empty'
        : undefined;
    return wheelScreen(
      {
        config,
        coins: member.balances.coins,
        spinsLeft: availability.spinsLeft,
        block,
        tierName: config.minTier ? c.tierName(config.minTier) : undefined,
        nonce: newNonce(),
      },
      c,
    );
  }

  /** The spin: frames for channels that animate, then the prize. A replayed nonce shows nothing new. */
  async spin(member: Member, locale: Locale, nonce: string): Promise<{ replayed: boolean; frames: string[]; screen: Screen }> {
    const c = await this.context(member, locale);
    try {
      const result = await this.deps.wheel.spin(member.merchantId, member, `${member.id}:${nonce}`);
      const config = await this.deps.wheel.config(member.merchantId);
      const labels = config?.prizes.map((p) => p.label) ?? [result.prize.label];
      const after = { ...member, balances: result.balances };
      const again = await this.deps.wheel.availability(member.merchantId, after);
      return {
        replayed: result.replayed,
        frames: wheelFrames(labels, result.prize.label, c),
        screen: spinResultScreen(result, again?.allowed ? { nonce: newNonce() } : null, c),
      };
    } catch (err) {
      const codes: Record<string, WheelBlock> = {
        limit_per_day: 'limit_per_day',
        limit_per_week: 'limit_per_week',
        insufficient_balance: 'coins',
        tier_too_low: 'tier',
        wheel_empty: 'empty',
      };
      if (isDomainError(err) && codes[err.code]) {
        const config = await this.deps.wheel.config(member.merchantId);
        return {
          replayed: false,
          frames: [],
          screen: {
            text: blockText(
              codes[err.code]!,
              config?.costCoins ?? 0,
              member.balances.coins,
              config?.minTier ? c.tierName(config.minTier) : '',
              c,
            ),
          },
        };
      }
      if (isDomainError(err, 'no_wheel')) return { replayed: false, frames: [], screen: { text: c.t('wheel.none') } };
      throw err;
    }
  }

  async gifts(member: Member, locale: Locale, page = 1): Promise<Screen> {
    const [c, catalog] = await Promise.all([this.context(member, locale), this.deps.gifts.catalog(member.merchantId, member)]);
    return giftCatalogScreen(catalog, member, page, c);
  }

  async gift(member: Member, locale: Locale, giftId: string, page: number): Promise<Screen> {
    const [c, catalog] = await Promise.all([this.context(member, locale), this.deps.gifts.catalog(member.merchantId, member)]);
    const gift = catalog.find((g) => g.id === giftId);
    if (!gift)
      return { text: c.t('gifts.unavailable'), buttons: [[{ label: c.t('gifts.back'), action: { kind: 'gift.page' as const, page: 1 } }]] };
    return giftDetailScreen(gift, page, c);
  }

  /** "Request this gift?" with its cost and the member's balance: nothing is spent before yes. */
  async confirmGift(member: Member, locale: Locale, giftId: string): Promise<Screen> {
    const [c, catalog] = await Promise.all([this.context(member, locale), this.deps.gifts.catalog(member.merchantId, member)]);
    const gift = catalog.find((g) => g.id === giftId);
    const back = [[{ label: c.t('gifts.back'), action: { kind: 'gift.page' as const, page: 1 } }]];
    if (!gift || !gift.available) return { text: c.t(gift ? 'gifts.out_of_stock' : 'gifts.unavailable'), buttons: back };
    if (!gift.affordable)
      return {
        text: c.t('gifts.not_enough', { cost: formatAmount(gift.costCurrency, gift.cost, c.moneyUnit, c.locale, c.t) }),
        buttons: back,
      };
    return giftConfirmScreen(gift, member.balances[gift.costCurrency], await this.offer(member, spendItem.gift(giftId)), c);
  }

  async requestGift(member: Member, locale: Locale, giftId: string, nonce: string): Promise<Screen> {
    const c = await this.context(member, locale);
    const back = [[{ label: c.t('gifts.back'), action: { kind: 'gift.page' as const, page: 1 } }]];
    const stale = await this.replaced(member, spendItem.gift(giftId), nonce, c);
    if (stale) return stale;
    try {
      const { request } = await this.deps.gifts.request(member.merchantId, member, giftId, `${member.id}:${nonce}`);
      return giftRequestedScreen(request, c);
    } catch (err) {
      if (isDomainError(err, 'insufficient_balance')) {
        const gift = (await this.deps.gifts.catalog(member.merchantId, member)).find((g) => g.id === giftId);
        return {
          text: c.t('gifts.not_enough', { cost: gift ? formatAmount(gift.costCurrency, gift.cost, c.moneyUnit, c.locale, c.t) : '' }),
          buttons: back,
        };
      }
      if (isDomainError(err, 'out_of_stock')) return { text: c.t('gifts.out_of_stock'), buttons: back };
      if (isDomainError(err, 'gift_not_found')) return { text: c.t('gifts.unavailable'), buttons: back };
      throw err;
    }
  }

  async myGiftRequests(member: Member, locale: Locale): Promise<Screen> {
    const [c, requests] = await Promise.all([
      this.context(member, locale),
      this.deps.gifts.requests(member.merchantId, { memberId: member.id, limit: 10 }),
    ]);
    return myGiftRequestsScreen(requests, c);
  }

  async vouchers(member: Member, locale: Locale): Promise<Screen> {
    const [c, mine, forSale] = await Promise.all([
      this.context(member, locale),
      this.deps.vouchers.memberVouchers(member.merchantId, member.id),
      this.deps.vouchers.exchangeable(member.merchantId),
    ]);
    return vouchersScreen(mine, forSale, member.balances.coins, c);
  }

  async confirmVoucher(member: Member, locale: Locale, campaignId: string): Promise<Screen> {
    const [c, forSale] = await Promise.all([this.context(member, locale), this.deps.vouchers.exchangeable(member.merchantId)]);
    const campaign = forSale.find((v) => v.id === campaignId);
    if (!campaign) return { text: c.t('vouchers.unavailable') };
    if (member.balances.coins < campaign.coinPrice!)
      return {
        text: c.t('vouchers.not_enough', {
          price: formatNumber(campaign.coinPrice!, c.locale),
          coins: formatNumber(member.balances.coins, c.locale),
        }),
      };
    return voucherConfirmScreen(campaign, member.balances.coins, await this.offer(member, spendItem.voucher(campaignId)), c);
  }

  async buyVoucher(member: Member, locale: Locale, campaignId: string, nonce: string): Promise<Screen> {
    const [c, forSale] = await Promise.all([this.context(member, locale), this.deps.vouchers.exchangeable(member.merchantId)]);
    const campaign = forSale.find((v) => v.id === campaignId);
    if (!campaign) return { text: c.t('vouchers.unavailable') };
    const stale = await this.replaced(member, spendItem.voucher(campaignId), nonce, c);
    if (stale) return stale;
    try {
      const code = await this.deps.vouchers.exchange(member.merchantId, member.id, campaignId, `${member.id}:${nonce}`);
      return voucherBoughtScreen(code, campaign, c);
    } catch (err) {
      if (isDomainError(err, 'insufficient_balance'))
        return {
          text: c.t('vouchers.not_enough', {
            price: formatNumber(campaign.coinPrice!, c.locale),
            coins: formatNumber(member.balances.coins, c.locale),
          }),
        };
      if (isDomainError(err, 'not_exchangeable') || isDomainError(err, 'voucher_expired')) return { text: c.t('vouchers.unavailable') };
      throw err;
    }
  }

  async raffles(member: Member, locale: Locale): Promise<Screen> {
    const [c, open, recent] = await Promise.all([
      this.context(member, locale),
      this.deps.raffles.open(member.merchantId),
      this.deps.raffles.list(member.merchantId, 20),
    ]);
    const since = this.deps.clock.now().getTime() - RESULTS_DAYS * 86_400_000;
    const drawn = recent.filter((r) => r.status === 'drawn' && (r.drawnAt?.getTime() ?? 0) >= since).slice(0, 3);
    const withTickets = await Promise.all(
      open.map(async (raffle) => ({ raffle, tickets: await this.deps.raffles.memberTickets(raffle.id, member.id) })),
    );
    return rafflesScreen(
      withTickets,
      drawn.map((raffle) => ({ raffle, tickets: [] })),
      member.id,
      c,
    );
  }

  async confirmTickets(member: Member, locale: Locale, raffleId: string, count: number): Promise<Screen> {
    const c = await this.context(member, locale);
    const raffle = (await this.deps.raffles.open(member.merchantId)).find((r) => r.id === raffleId);
    if (!raffle || raffle.entryRule.kind !== 'coins') return { text: c.t('raffles.closed') };
    const price = raffle.entryRule.price * count;
    if (member.balances.coins < price)
      return {
        text: c.t('raffles.not_enough', { price: formatNumber(price, c.locale), coins: formatNumber(member.balances.coins, c.locale) }),
      };
    return ticketConfirmScreen(raffle, count, member.balances.coins, await this.offer(member, spendItem.raffle(raffleId)), c);
  }

  async buyTickets(member: Member, locale: Locale, raffleId: string, count: number, nonce: string): Promise<Screen> {
    const c = await this.context(member, locale);
    const stale = await this.replaced(member, spendItem.raffle(raffleId), nonce, c);
    if (stale) return stale;
    try {
      const raffle = await this.deps.raffles.get(member.merchantId, raffleId);
      const { numbers } = await this.deps.raffles.buyTickets(member.merchantId, member.id, raffleId, count, `${member.id}:${nonce}`);
      return ticketsBoughtScreen(raffle, numbers, c);
    } catch (err) {
      if (isDomainError(err, 'insufficient_balance')) {
        const raffle = await this.deps.raffles.get(member.merchantId, raffleId);
        const price = raffle.entryRule.kind === 'coins' ? raffle.entryRule.price * count : 0;
        return {
          text: c.t('raffles.not_enough', { price: formatNumber(price, c.locale), coins: formatNumber(member.balances.coins, c.locale) }),
        };
      }
      if (isDomainError(err, 'raffle_closed') || isDomainError(err, 'raffle_not_found') || isDomainError(err, 'not_for_coins'))
        return { text: c.t('raffles.closed') };
      throw err;
    }
  }

  async text(member: Member, locale: Locale, key: string): Promise<Screen> {
    return { text: (await this.context(member, locale)).t(key) };
  }
}
