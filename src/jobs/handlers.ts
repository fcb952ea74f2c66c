import type { ReferralService } from '../domain/referrals/referral-service.js';
import type { StaffService } from '../domain/staff/staff-service.js';
import type { EventHandler } from './event-worker.js';

/** Referral rewards follow joins, first purchases and full refunds. */
export function referralEvents(referrals: ReferralService): EventHandler {
  return {
    name: 'referrals',
    async handle({ merchantId, type, payload: p }) {
      if (type === 'member.joined') await referrals.onJoined(merchantId, p.member_id, p.referrer_id, p.new_phone);
      if (type === 'purchase.recorded')
        await referrals.onPurchase(merchantId, p.member_id, p.referrer_id, p.order_id, p.amount, p.purchase_count);
      if (type === 'purchase.refunded') await referrals.onRefund(merchantId, p.member_id, p.order_id, p.full);
    },
  };
}

/** Staff commission follows purchases with a staff code, and their refunds. */
export function staffEvents(staff: StaffService): EventHandler {
  return {
    name: 'staff-commission',
    async handle({ merchantId, type, payload: p }) {
      if (type === 'purchase.recorded') await staff.onPurchase(merchantId, p.order_id, p.amount, p.staff_code);
      if (type === 'purchase.refunded') await staff.onRefund(merchantId, p.order_id, p.refund_id, p.amount, p.full);
    },
  };
}
