import { isDomainError } from '../errors.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { toMerchantUnit, type PurchaseService } from '../purchases/purchase-service.js';
import type { PurchaseInput, PurchaseOutcome } from '../purchases/types.js';
import type { VoucherService } from './voucher-service.js';

export type PurchaseVoucherResult =
  | { code: string; redeemed: true; discount: number; freeShipping: boolean; giftItem: string | null }
  | { code: string; redeemed: false; reason: string; message: string };

/**
 * A purchase that names a voucher: the purchase is recorded first (the order happened, with or
 * without the discount), then the code is redeemed against the same orderId. Both steps are
 * idempotent on the orderId, so a retried webhook gives the same answer. A code that does not
 * apply is reported beside the recorded purchase, not as a failed webhook.
 */
export async function recordPurchaseWithVoucher(
  deps: { purchases: PurchaseService; vouchers: VoucherService; settings: SettingsProvider },
  merchantId: string,
  input: PurchaseInput,
  actor: string,
): Promise<PurchaseOutcome & { voucher?: PurchaseVoucherResult }> {
  const outcome = await deps.purchases.record(merchantId, input, actor);
  if (!input.voucherCode) return outcome;
  const { currency } = await deps.settings.get(merchantId);
  const amount = toMerchantUnit(input.amount, input.currency, currency);
  try {
    const r = await deps.vouchers.redeem(merchantId, {
      code: input.voucherCode,
      orderId: input.orderId,
      memberId: outcome.memberId,
      amount,
      items: input.items,
    });
    return {
      ...outcome,
      voucher: { code: r.code, redeemed: true, discount: r.discount, freeShipping: r.freeShipping, giftItem: r.giftItem },
    };
  } catch (err) {
    if (isDomainError(err) && (err.kind === 'unprocessable' || err.kind === 'invalid' || err.kind === 'conflict')) {
      return {
        ...outcome,
        voucher: { code: input.voucherCode, redeemed: false, reason: err.code.replace(/^voucher_/, ''), message: err.message },
      };
    }
    throw err;
  }
}
