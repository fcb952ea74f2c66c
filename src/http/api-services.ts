import type { PgSettingsStore } from '../db/repositories/settings-store.js';
import type { BroadcastService } from '../domain/campaigns/broadcast-service.js';
import type { CampaignService } from '../domain/campaigns/campaign-service.js';
import type { SurveyService } from '../domain/feedback/survey-service.js';
import type { TicketService } from '../domain/feedback/ticket-service.js';
import type { LedgerService } from '../domain/ledger/ledger-service.js';
import type { MemberImportService } from '../domain/members/member-import.js';
import type { MemberQueries } from '../domain/members/member-queries.js';
import type { MemberService } from '../domain/members/member-service.js';
import type { MerchantService } from '../domain/merchants/merchant-service.js';
import type { PurchaseService } from '../domain/purchases/purchase-service.js';
import type { ReferralService } from '../domain/referrals/referral-service.js';
import type { GiftService } from '../domain/rewards/gift-service.js';
import type { RaffleService } from '../domain/rewards/raffle-service.js';
import type { VoucherService } from '../domain/rewards/voucher-service.js';
import type { WheelService } from '../domain/rewards/wheel-service.js';
import type { StaffService } from '../domain/staff/staff-service.js';
import type { ShortLinks } from '../domain/links/short-links.js';
import type { SmsService } from '../domain/sms/sms-service.js';
import type { WebhookEndpointService } from '../domain/webhooks/endpoint-service.js';

/** The services the HTTP API calls; the app's container passes its own (http does not import app). */
export interface ApiServices {
  merchants: MerchantService;
  settings: PgSettingsStore;
  members: MemberService;
  memberQueries: MemberQueries;
  memberImport: MemberImportService;
  ledger: LedgerService;
  purchases: PurchaseService;
  referrals: ReferralService;
  staff: StaffService;
  vouchers: VoucherService;
  wheel: WheelService;
  gifts: GiftService;
  raffles: RaffleService;
  campaigns: CampaignService;
  broadcasts: BroadcastService;
  surveys: SurveyService;
  tickets: TicketService;
  shortLinks: ShortLinks;
  sms: SmsService;
  webhookEndpoints: WebhookEndpointService;
}
