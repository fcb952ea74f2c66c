import { CURRENCIES, type Balances } from '../ledger/types.js';

/**
 * What a refund takes back, proportionally and cumulatively: after refunds totalling R of a
 * purchase of P that awarded A, exactly floor(A·R/P) has been reversed (all of A when R = P),
 * so partial refunds never drift from the whole by rounding.
 */
export function reversalFor(
  purchase: { amount: number; refundedAmount: number; awarded: Balances; reversed: Balances },
  refundAmount: number,
): Balances {
  const total = BigInt(purchase.refundedAmount + refundAmount);
  const amount = BigInt(purchase.amount);
  const out = { points: 0, coins: 0, credit: 0 };
  for (const c of CURRENCIES) {
    const target = total >= amount ? purchase.awarded[c] : Number((BigInt(purchase.awarded[c]) * total) / amount);
    out[c] = Math.max(0, target - purchase.reversed[c]);
  }
  return out;
}
