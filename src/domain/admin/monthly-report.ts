import { jalaliMonthRange, tehranDay } from '../../lib/jalali.js';
import { systemClock, type Clock } from '../clock.js';
import type { SurveyService } from '../feedback/survey-service.js';
import type { TicketService } from '../feedback/ticket-service.js';
import type { ReferralService } from '../referrals/referral-service.js';
import type { Figures, FiguresSource } from './admin-service.js';

export interface MonthFigures extends Figures {
  /** Jalali year and month. */
  jy: number;
  jm: number;
  /** The month's first moment (Tehran midnight). */
  from: Date;
  kFactor: number;
  /** Joined members at the month's end. */
  members: number;
}

export interface MonthlyReport {
  thisMonth: MonthFigures;
  lastMonth: MonthFigures;
  /** Post-purchase ratings and NPS this month, per branch. */
  branches: { branch: string | null; ratings: number; averageRating: number | null; npsAnswers: number; nps: number | null }[];
  support: { opened: number; answered: number; medianMinutes: number | null; averageMinutes: number | null };
}

const DAY_MS = 86_400_000;

/** The owner's month: this Jalali month so far against the whole of the last one. */
export class MonthlyReportService {
  constructor(
    private readonly deps: {
      figures: FiguresSource;
      referrals: ReferralService;
      surveys: SurveyService;
      tickets: TicketService;
      clock?: Clock;
    },
  ) {}

  /** One Jalali month's figures (the panel's overview asks month by month). */
  async month(merchantId: string, range: { from: Date; to: Date; jy: number; jm: number }): Promise<MonthFigures> {
    const to = range.to;
    const lastDay = tehranDay(new Date(to.getTime() - 1));
    const [figures, referrals] = await Promise.all([
      this.deps.figures.figures(merchantId, range.from, to),
      this.deps.referrals.stats(merchantId, { from: tehranDay(range.from), to: lastDay }, { bySource: false }),
    ]);
    return { ...figures, jy: range.jy, jm: range.jm, from: range.from, kFactor: referrals.kFactor, members: referrals.members };
  }

  async build(merchantId: string): Promise<MonthlyReport> {
    const now = (this.deps.clock ?? systemClock).now();
    const current = jalaliMonthRange(now);
    const previous = jalaliMonthRange(new Date(current.from.getTime() - DAY_MS));
    const [thisMonth, lastMonth, branches, support] = await Promise.all([
      this.month(merchantId, current),
      this.month(merchantId, previous),
      this.deps.surveys.branchStats(merchantId, current.from, current.to),
      this.deps.tickets.sla(merchantId, current.from, current.to),
    ]);
    return { thisMonth, lastMonth, branches, support };
  }
}
