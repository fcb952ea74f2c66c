import type { MemberVoucher } from '../../domain/rewards/voucher-service.js';
import type { VoucherCampaign } from '../../domain/rewards/voucher-rules.js';
import { formatDate, formatMoney, formatNumber } from '../format.js';
import type { Screen, ScreenButton, ScreenContext } from './types.js';

/** What a code gives, in words: "۲۰٪ تخفیف تا سقف ۵۰٬۰۰۰ تومان". */
export function voucherBenefit(v: VoucherCampaign, c: ScreenContext): string {
  const money = (n: number) => formatMoney(n, c.moneyUnit, c.locale, c.t);
  switch (v.kind) {
    case 'percent':
      return v.maxDiscount !== null
        ? c.t('vouchers.benefit_percent_cap', { value: formatNumber(v.value, c.locale), cap: money(v.maxDiscount) })
        : c.t('vouchers.benefit_percent', { value: formatNumber(v.value, c.locale) });
    case 'fixed':
      return c.t('vouchers.benefit_fixed', { amount: money(v.value) });
    case 'free_shipping':
      return c.t('vouchers.benefit_free_shipping');
    case 'gift_item':
      return c.t('vouchers.benefit_gift_item', { item: v.giftItem ?? '' });
  }
}

/** "My vouchers": codes to use (with expiry in Jalali and minimum), codes used, and codes to buy with coins. */
export function vouchersScreen(mine: MemberVoucher[], forSale: VoucherCampaign[], coins: number, c: ScreenContext): Screen {
  const lines: string[] = [c.t('vouchers.title'), ''];
  const usable = mine.filter((v) => v.status === 'assigned');
  const used = mine.filter((v) => v.status === 'redeemed').slice(0, 5);
  if (!usable.length && !used.length) lines.push(c.t('vouchers.empty'));
  for (const v of usable) {
    lines.push(c.t('vouchers.line', { code: v.code, benefit: voucherBenefit(v.campaign, c) }));
    if (v.campaign.validTo) lines.push(c.t('vouchers.until', { date: formatDate(v.campaign.validTo, c.locale) }));
    if (v.campaign.minPurchase > 0)
      lines.push(c.t('vouchers.min', { amount: formatMoney(v.campaign.minPurchase, c.moneyUnit, c.locale, c.t) }));
  }
  for (const v of used) lines.push(c.t('vouchers.used', { code: v.code, date: v.redeemedAt ? formatDate(v.redeemedAt, c.locale) : '' }));
  if (usable.length) lines.push('', c.t('vouchers.how'));
  const buttons: ScreenButton[][] = forSale.slice(0, 8).map((v) => [
    {
      label: c.t('vouchers.buy', { benefit: voucherBenefit(v, c), price: formatNumber(v.coinPrice!, c.locale) }),
      action: { kind: 'voucher.offer', campaignId: v.id },
    },
  ]);
  if (forSale.length) lines.push('', c.t('vouchers.shop', { coins: formatNumber(coins, c.locale) }));
  return { text: lines.join('\n'), buttons: buttons.length ? buttons : undefined };
}

export function voucherConfirmScreen(v: VoucherCampaign, coins: number, nonce: string, c: ScreenContext): Screen {
  return {
    text: c.t('vouchers.confirm', {
      benefit: voucherBenefit(v, c),
      price: formatNumber(v.coinPrice!, c.locale),
      coins: formatNumber(coins, c.locale),
    }),
    buttons: [
      [
        { label: c.t('vouchers.yes'), action: { kind: 'voucher.buy', campaignId: v.id, nonce } },
        { label: c.t('vouchers.no'), action: { kind: 'voucher.cancel' } },
      ],
    ],
  };
}

export function voucherBoughtScreen(code: string, v: VoucherCampaign, c: ScreenContext): Screen {
  return { text: c.t('vouchers.bought', { code, benefit: voucherBenefit(v, c) }) };
}
