import type { PurchaseItem } from '../rules/evaluate.js';
import type { Balances } from '../ledger/types.js';

export type MoneyUnit = 'IRT' | 'IRR';

export interface PurchaseInput {
  orderId: string;
  phone?: string;
  memberCode?: string;
  amount: number;
  currency?: MoneyUnit;
  items?: PurchaseItem[];
  branch?: string;
  occurredAt?: Date;
  voucherCode?: string;
  staffCode?: string;
}

export interface PurchaseOutcome {
  replayed: boolean;
  purchaseId: string;
  memberId: string;
  status: 'credited' | 'pending_member';
  awarded: Balances;
  balances: Balances;
  tier: string;
  previousTier: string;
  /** Ids of the rules that applied; the purchase row keeps their full explanation. */
  rules: string[];
}

export interface RefundInput {
  refundId: string;
  orderId: string;
  amount?: number;
  items?: PurchaseItem[];
}

export interface RefundOutcome {
  replayed: boolean;
  refundId: string;
  purchaseId: string;
  memberId: string;
  amount: number;
  reversed: Balances;
  /** What the member had already spent: owed and taken from their next earnings. */
  shortfall: Balances;
  balances: Balances;
  refundedTotal: number;
  remaining: number;
}

export interface StoredPurchase {
  id: string;
  memberId: string;
  orderId: string;
  branch: string | null;
  occurredAt: Date;
  amount: number;
  refundedAmount: number;
  awarded: Balances;
  reversed: Balances;
  awardEntries: Partial<Record<keyof Balances, number>>;
}

export interface PurchaseStore {
  findByOrderId(merchantId: string, orderId: string): Promise<StoredPurchase | null>;
  recentForMember(merchantId: string, memberId: string, limit: number): Promise<StoredPurchase[]>;
}
