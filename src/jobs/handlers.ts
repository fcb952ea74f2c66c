import type { ReferralService } from '../domain/referrals/referral-service.js';
import type { StaffService } from '../domain/staff/staff-service.js';
import type { EventHandler } from './event-worker.js';

/** Referral rewards follow joins, first purchases and full refunds. */
export function referralEvents(referrals: ReferralService): EventHandler {
  return {
    name: 'referrals',
    async handle({ merchantId, type, payload: p }) {
      if (type === 'member.joined') await referrals.onJoined(merchantId, String(p.member_id), (p.referrer_id as string | null) ?? null, p.new_phone === true);
      if (type === 'purchase.recorded') await referrals.onPurchase(merchantId, String(p.member_id), (p.referrer_id as string | null) ?? null, String(p.order_id), Number(p.amount), Number(p.purchase_count));
      if (type === 'purchase.refunded') await referrals.onRefund(merchantId, String(p.member_id), String(p.order_id), p.full === true);
    },
  };
}

/** Staff commission follows purchases with a staff code, and their refunds. */
export function staffEvents(staff: StaffService): EventHandler {
  return {
    name: 'staff-commission',
    async handle({ merchantId, type, payload: p }) {
      if (type === 'purchase.recorded') await staff.onPurchase(merchantId, String(p.order_id), Number(p.amount), p.staff_code as string | null);
      if (type === 'purchase.refunded') await staff.onRefund(merchantId, String(p.order_id), String(p.refund_id), Number(p.amount), p.full === true);
    },
  };
}
