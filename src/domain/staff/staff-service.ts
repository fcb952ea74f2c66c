import { invalid } from '../errors.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { parseCalendarDate, tehranDay } from '../../lib/jalali.js';
import { systemClock, type Clock } from '../clock.js';

export interface CommissionRow {
  staffCode: string;
  orderId: string;
  key: string;
  sale: number;
  amount: number;
  /** When it counts for reports: the service clock, so reports and records share one time. */
  at: Date;
}

export interface StaffReportRow {
  staffCode: string;
  name: string | null;
  purchases: number;
  sales: number;
  commission: number;
}

export interface StaffStore {
  ensureStaff(merchantId: string, code: string): Promise<void>;
  upsertStaff(merchantId: string, code: string, name: string | null): Promise<{ code: string; name: string | null }>;
  listStaff(merchantId: string): Promise<{ code: string; name: string | null; createdAt: Date }[]>;
  /** Inserts unless the key exists; false when it did. */
  record(merchantId: string, row: CommissionRow): Promise<boolean>;
  /** The commission a purchase earned, and what its refunds took back so far. */
  forOrder(
    merchantId: string,
    orderId: string,
  ): Promise<{ staffCode: string; sale: number; amount: number; refundedSale: number; reversed: number } | null>;
  report(merchantId: string, from: Date, to: Date): Promise<StaffReportRow[]>;
}

const DAY_MS = 86_400_000;
const CODE = /^[\p{L}\p{N}_.-]{1,64}$/u;

/**
 * Staff commission: a purchase with a staffCode credits that salesperson a percentage and/or a
 * fixed sum (merchant settings) on a ledger of their own; refunds take it back in proportion.
 */
export class StaffService {
  constructor(
    private readonly store: StaffStore,
    private readonly settings: SettingsProvider,
    private readonly clock: Clock = systemClock,
  ) {}

  async onPurchase(merchantId: string, orderId: string, amount: number, staffCode: string | null | undefined): Promise<void> {
    if (!staffCode) return;
    const { staff } = await this.settings.get(merchantId);
    const commission = Math.floor((amount * staff.commissionPercent) / 100) + staff.commissionFixed;
    await this.store.ensureStaff(merchantId, staffCode);
    if (commission <= 0) return;
    await this.store.record(merchantId, {
      staffCode,
      orderId,
      key: `purchase:${orderId}`,
      sale: amount,
      amount: commission,
      at: this.clock.now(),
    });
  }

  async onRefund(merchantId: string, orderId: string, refundId: string, refundAmount: number, full: boolean): Promise<void> {
    const earned = await this.store.forOrder(merchantId, orderId);
    if (!earned) return;
    const refundedSale = earned.refundedSale + refundAmount;
    // Cumulative, like points: after refunds of R out of S, exactly floor(C·R/S) is taken back.
    const target = full || refundedSale >= earned.sale ? earned.amount : Math.floor((earned.amount * refundedSale) / earned.sale);
    await this.store.record(merchantId, {
      staffCode: earned.staffCode,
      orderId,
      key: `refund:${refundId}`,
      sale: -refundAmount,
      amount: -(target - earned.reversed),
      at: this.clock.now(),
    });
  }

  async upsert(merchantId: string, code: string, name: string | null) {
    if (!CODE.test(code)) throw invalid('invalid_staff_code', 'Staff codes are 1–64 letters, digits, _ . -');
    return this.store.upsertStaff(merchantId, code, name?.trim() || null);
  }

  list(merchantId: string) {
    return this.store.listStaff(merchantId);
  }

  /** Per salesperson between two Tehran days (inclusive; Jalali or Gregorian; default last 30 days). */
  async report(merchantId: string, range: { from?: string; to?: string } = {}) {
    const toDay = range.to ? parseCalendarDate(range.to) : new Date(`${tehranDay(this.clock.now())}T00:00:00Z`);
    const fromDay = range.from ? parseCalendarDate(range.from) : toDay && new Date(toDay.getTime() - 29 * DAY_MS);
    if (!fromDay || !toDay || fromDay > toDay) throw invalid('invalid_range', 'from and to are dates like 1405/01/01, from not after to');
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const rows = await this.store.report(
      merchantId,
      new Date(`${iso(fromDay)}T00:00:00+03:30`),
      new Date(new Date(`${iso(toDay)}T00:00:00+03:30`).getTime() + DAY_MS),
    );
    return { from: iso(fromDay), to: iso(toDay), staff: rows };
  }
}
