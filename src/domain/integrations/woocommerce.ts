import type { PurchaseItem } from '../rules/evaluate.js';
import type { MoneyUnit } from '../purchases/types.js';

/** The parts of a WooCommerce REST v3 order we use (webhook payloads are REST order objects). */
export interface WooOrder {
  id: number;
  status: string;
  currency?: string;
  total?: string;
  date_created_gmt?: string | null;
  date_paid_gmt?: string | null;
  date_completed_gmt?: string | null;
  billing?: { phone?: string | null; first_name?: string; last_name?: string };
  line_items?: { sku?: string | null; product_id?: number; quantity?: number; price?: number | string; total?: string }[];
  refunds?: { id: number; total: string; reason?: string }[];
}

export type WooAction =
  | { kind: 'purchase'; orderId: string; phone: string; amount: number; currency?: MoneyUnit; items: PurchaseItem[]; occurredAt?: Date }
  | { kind: 'refund'; refundId: string; orderId: string; amount?: number; currency?: MoneyUnit }
  | { kind: 'ignore'; reason: string };

/** WooCommerce stores in Iran price in Toman or Rial, some plugins in thousands of either. */
function moneyOf(value: string | number | undefined, currency: string | undefined): { amount: number; currency?: MoneyUnit } {
  const n = Math.round(Math.abs(Number(value ?? 0)));
  switch ((currency ?? '').toUpperCase()) {
    case 'IRT':
      return { amount: n, currency: 'IRT' };
    case 'IRR':
      return { amount: n, currency: 'IRR' };
    case 'IRHT':
      return { amount: n * 1000, currency: 'IRT' };
    case 'IRHR':
      return { amount: n * 1000, currency: 'IRR' };
    default:
      return { amount: n };
  }
}

const orderIdOf = (order: WooOrder) => `wc-${order.id}`;

/**
 * What an order webhook means for the club: award when the order reaches the status the
 * merchant chose (and take back its partial refunds), reverse all when it is refunded or
 * cancelled, ignore everything else. Pure; the route carries the actions out.
 */
export function wooOrderActions(order: WooOrder, awardOn: 'completed' | 'processing'): WooAction[] {
  const awarding = awardOn === 'processing' ? ['processing', 'completed'] : ['completed'];
  if (!order || typeof order.id !== 'number') return [{ kind: 'ignore', reason: 'not_an_order' }];
  const orderId = orderIdOf(order);
  if (order.status === 'refunded' || order.status === 'cancelled') {
    return [{ kind: 'refund', refundId: `${orderId}-${order.status}`, orderId }];
  }
  if (!awarding.includes(order.status)) return [{ kind: 'ignore', reason: `status_${order.status}` }];
  const phone = order.billing?.phone?.trim();
  if (!phone) return [{ kind: 'ignore', reason: 'no_billing_phone' }];
  const { amount, currency } = moneyOf(order.total, order.currency);
  if (amount <= 0) return [{ kind: 'ignore', reason: 'zero_total' }];
  const when = order.date_paid_gmt ?? order.date_completed_gmt ?? order.date_created_gmt;
  const items: PurchaseItem[] = (order.line_items ?? [])
    .filter((li) => (li.quantity ?? 0) > 0)
    .map((li) => ({
      sku: li.sku || `product-${li.product_id ?? 'unknown'}`,
      quantity: li.quantity!,
      unitPrice: moneyOf(Number(li.total ?? 0) / li.quantity!, order.currency).amount,
    }));
  const actions: WooAction[] = [
    { kind: 'purchase', orderId, phone, amount, currency, items, occurredAt: when ? new Date(`${when.replace(/Z?$/, '')}Z`) : undefined },
  ];
  for (const r of order.refunds ?? []) {
    const refund = moneyOf(r.total, order.currency);
    if (refund.amount > 0)
      actions.push({ kind: 'refund', refundId: `wc-refund-${r.id}`, orderId, amount: refund.amount, currency: refund.currency });
  }
  return actions;
}
