import { isValidJalaaliDate, toJalaali } from 'jalaali-js';
import { systemClock, type Clock } from '../clock.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { SettingsProvider } from '../merchants/settings.js';
import type { VoucherService } from '../rewards/voucher-service.js';
import { tehranDay } from '../../lib/jalali.js';
import type { CampaignReward } from './campaign-schemas.js';
import type { EventPayload } from '../events/catalog.js';

type AutomationPayload = EventPayload<'automation.message'>;

export type AutomationKind = 'birthday' | 'win_back' | 'welcome';

export interface AutomationCandidate {
  id: string;
  firstName: string | null;
  birthDate?: Date | null;
  lastPurchaseAt?: Date | null;
}

export interface AutomationStore {
  merchantIds(): Promise<string[]>;
  /** Active members born on one of these month-days ('MM-DD'). */
  bornOn(merchantId: string, monthDays: string[]): Promise<AutomationCandidate[]>;
  /** Active, opted-in members whose last purchase is before `before`, not yet won back since it. */
  lapsed(merchantId: string, before: Date, limit: number): Promise<AutomationCandidate[]>;
  /** Active, opted-in members who joined in [from, to) and have not had this welcome step. */
  joinedBetween(merchantId: string, from: Date, to: Date, step: string): Promise<AutomationCandidate[]>;
  /** Records the send once per (kind, member, period) and, only then, queues the member's message. */
  claimAndAnnounce(
    merchantId: string,
    kind: AutomationKind,
    memberId: string,
    period: string,
    payload: EventPayload<'automation.message'>,
  ): Promise<boolean>;
}

const DAY = 86_400_000;

/** Today's Jalali date in Tehran. */
function jalaliToday(now: Date) {
  const [gy, gm, gd] = tehranDay(now).split('-').map(Number) as [number, number, number];
  return toJalaali(gy, gm, gd);
}

/**
 * The daily automations (Tehran midnight): birthday greetings with a gift on the member's Jalali
 * birthday, win-back after N days without a purchase, welcome steps after joining. Each member gets
 * each message once per period (the year, the lapse, the step), also if the job runs twice; the
 * reward is idempotent on the same key, so a crash between reward and message loses neither.
 */
export class AutomationService {
  constructor(
    private readonly deps: {
      store: AutomationStore;
      settings: SettingsProvider;
      ledger: LedgerService;
      vouchers: VoucherService;
      clock?: Clock;
    },
  ) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  async runDaily(): Promise<number> {
    let sent = 0;
    for (const merchantId of await this.deps.store.merchantIds()) sent += await this.runFor(merchantId);
    return sent;
  }

  async runFor(merchantId: string): Promise<number> {
    const { automations: a } = await this.deps.settings.get(merchantId);
    const now = this.clock.now();
    let sent = 0;
    if (a.birthday.enabled) sent += await this.birthdays(merchantId, now, a.birthday.reward, a.birthday.text);
    if (a.winBack.enabled) {
      for (const m of await this.deps.store.lapsed(merchantId, new Date(now.getTime() - a.winBack.days * DAY), 5_000)) {
        sent += Number(
          await this.send(merchantId, 'win_back', m, `lapse:${m.lastPurchaseAt!.toISOString()}`, a.winBack.reward, a.winBack.text, {
            days: a.winBack.days,
          }),
        );
      }
    }
    if (a.welcome.enabled) {
      for (const [i, step] of a.welcome.steps.entries()) {
        // A week of catch-up: a day the job did not run is not a day lost.
        const to = new Date(now.getTime() - step.afterDays * DAY);
        for (const m of await this.deps.store.joinedBetween(merchantId, new Date(to.getTime() - 7 * DAY), to, `step-${i}`)) {
          sent += Number(await this.send(merchantId, 'welcome', m, `step-${i}`, undefined, step.text, {}));
        }
      }
    }
    return sent;
  }

  private async birthdays(merchantId: string, now: Date, reward: CampaignReward | undefined, text: string | undefined) {
    const today = jalaliToday(now);
    // A Jalali day falls on one of three Gregorian days depending on the year: take them all, then check exactly.
    const monthDays = [-1, 0, 1].map((d) => tehranDay(new Date(now.getTime() + d * DAY)).slice(5));
    // Born on 30 Esfand: celebrated on 29 Esfand in years without a 30th.
    const leapless = today.jm === 12 && today.jd === 29 && !isValidJalaaliDate(today.jy, 12, 30);
    let sent = 0;
    for (const m of await this.deps.store.bornOn(merchantId, monthDays)) {
      const b = toJalaali(m.birthDate!.getUTCFullYear(), m.birthDate!.getUTCMonth() + 1, m.birthDate!.getUTCDate());
      const isToday = b.jm === today.jm && (b.jd === today.jd || (leapless && b.jd === 30));
      if (isToday) sent += Number(await this.send(merchantId, 'birthday', m, String(today.jy), reward, text, {}));
    }
    return sent;
  }

  private async send(
    merchantId: string,
    kind: AutomationKind,
    m: AutomationCandidate,
    period: string,
    reward: CampaignReward | undefined,
    text: string | undefined,
    extra: { days?: number },
  ) {
    let given: AutomationPayload['reward'] = null;
    let balances: AutomationPayload['balances'] = null;
    if (reward && 'voucherCampaignId' in reward) {
      given = { voucher: await this.deps.vouchers.giveOnce(merchantId, reward.voucherCampaignId, m.id, `automation:${kind}:${period}`) };
    } else if (reward) {
      const now = this.clock.now();
      const expiresAt = reward.expiresInDays
        ? new Date(now.getTime() + reward.expiresInDays * DAY)
        : reward.currency === 'coins'
          ? null
          : await this.deps.ledger.defaultExpiry(merchantId, reward.currency, now);
      const out = await this.deps.ledger.apply({
        merchantId,
        memberId: m.id,
        idempotencyKey: `automation:${kind}:${m.id}:${period}`,
        kind: 'automation',
        actor: 'automation',
        lines: [
          {
            mode: 'earn',
            currency: reward.currency,
            amount: reward.amount,
            reason: kind === 'birthday' ? 'birthday' : 'campaign',
            refType: 'automation',
            refId: kind,
            expiresAt,
            countsForTier: false,
          },
        ],
        eventType: 'automation.rewarded',
      });
      given = { currency: reward.currency, amount: reward.amount };
      balances = out.result.balances;
    }
    return this.deps.store.claimAndAnnounce(merchantId, kind, m.id, period, {
      member_id: m.id,
      kind,
      first_name: m.firstName,
      text: text ?? null,
      reward: given,
      balances,
      ...extra,
    });
  }
}
