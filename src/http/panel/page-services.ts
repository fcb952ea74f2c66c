import type { AdminService } from '../../domain/admin/admin-service.js';
import type { OperatorService, OperatorStore } from '../../domain/admin/operator-service.js';
import type { BroadcastService } from '../../domain/campaigns/broadcast-service.js';
import type { CampaignService } from '../../domain/campaigns/campaign-service.js';
import type { TicketService } from '../../domain/feedback/ticket-service.js';
import type { MemberService } from '../../domain/members/member-service.js';
import type { SettingsProvider, MerchantSettings } from '../../domain/merchants/settings.js';
import type { GiftService } from '../../domain/rewards/gift-service.js';
import type { RaffleService } from '../../domain/rewards/raffle-service.js';
import type { VoucherService } from '../../domain/rewards/voucher-service.js';
import type { WheelService } from '../../domain/rewards/wheel-service.js';

/**
 * The domain services behind the campaigns, rewards, tickets, settings and operators pages (the
 * app's container passes its own). Role checks go through `admin` exactly as in chat.
 */
export interface PanelPageServices {
  admin: AdminService;
  operators: OperatorService;
  operatorStore: Pick<OperatorStore, 'audit' | 'list' | 'get'> & {
    setRole(merchantId: string, id: string, role: string, branch: string | null): Promise<boolean>;
    disable(merchantId: string, id: string): Promise<boolean>;
  };
  settings: SettingsProvider & {
    set(merchantId: string, input: unknown): Promise<MerchantSettings>;
  };
  members: MemberService;
  campaigns: CampaignService;
  broadcasts: BroadcastService;
  tickets: TicketService;
  wheel: WheelService;
  gifts: GiftService;
  vouchers: VoucherService;
  raffles: RaffleService;
}
