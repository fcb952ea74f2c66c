import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { toLatinDigits } from '../../lib/digits.js';
import { jalaliMonthRange } from '../../lib/jalali.js';
import { systemClock, type Clock } from '../clock.js';
import { invalid } from '../errors.js';
import type { TicketService } from '../feedback/ticket-service.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { CURRENCIES, type Currency } from '../ledger/types.js';
import { MEMBER_CODE_LENGTH, normalizeCode } from '../members/codes.js';
import type { MemberQueries } from '../members/member-queries.js';
import { normalizePhone } from '../members/phone.js';
import type { Member } from '../members/types.js';
import type { ReferralService } from '../referrals/referral-service.js';
import type { AdminService } from './admin-service.js';
import type { MonthFigures, MonthlyReportService } from './monthly-report.js';
import { operatorAudit, type OperatorStore } from './operator-service.js';
import type { AdminAction, Operator } from './permissions.js';

/** What the panel's overview adds to the monthly report, per period. */
export interface ClubFigures {
  /** Members with any ledger entry in the period. */
  activeMembers: number;
  /** Net purchases by members who had already joined when they bought. */
  revenueInfluenced: number;
  nps: number | null;
  npsAnswers: number;
  /** Tickets still open at the end of the period. */
  openTickets: number;
}

export type OverviewMonth = MonthFigures & ClubFigures;

export interface MemberSearch {
  /** E.164 phone, exact. */
  phone?: string;
  /** Latin digits a phone contains. */
  phoneDigits?: string;
  memberCode?: string;
  name?: string;
  limit: number;
}

export interface ExportPage<T> {
  rows: T[];
  /** Pass back for the next page; absent after the last. */
  next?: string;
}

export interface LedgerExportRow {
  id: number;
  createdAt: Date;
  memberCode: string;
  phone: string;
  currency: Currency;
  amount: number;
  balanceAfter: number;
  reason: string;
  refType: string | null;
  actor: string;
}

export interface PanelStore {
  clubFigures(merchantId: string, from: Date, to: Date): Promise<ClubFigures>;
  searchMembers(merchantId: string, q: MemberSearch): Promise<Member[]>;
  exportMembers(merchantId: string, after: string | undefined, limit: number): Promise<ExportPage<Member>>;
  exportLedger(merchantId: string, after: string | undefined, limit: number): Promise<ExportPage<LedgerExportRow>>;
}

export const ADJUST_REASON_MAX = 200;
export const PAST_MONTH_TTL_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
const EXPORT_PAGE = 2_000;

/** What a search box text means: a whole phone, part of one, a member code or a name. */
export function parseMemberQuery(text: string): Omit<MemberSearch, 'limit'> | null {
  const q = text.trim();
  if (!q) return null;
  const phone = normalizePhone(q);
  if (phone) return { phone };
  const code = normalizeCode(q, MEMBER_CODE_LENGTH);
  const digits = toLatinDigits(q).replace(/[\s\-+()]/g, '');
  if (/^\d{4,}$/.test(digits)) return { phoneDigits: digits.replace(/^0+/, ''), memberCode: code ?? undefined };
  return { memberCode: code ?? undefined, name: q.slice(0, 100) };
}

/**
 * The web panel's reads and actions. Each is checked against the operator's role by the same
 * AdminService guard the chat uses (refusals audited there); changes are audited here.
 */
export class PanelService {
  constructor(
    private readonly deps: {
      admin: Pick<AdminService, 'require'>;
      audit: Pick<OperatorStore, 'audit'>;
      store: PanelStore;
      monthlyReport: MonthlyReportService;
      memberQueries: MemberQueries;
      referrals: ReferralService;
      tickets: TicketService;
      ledger: LedgerService;
      clock?: Clock;
    },
  ) {}

  /**
   * A finished month hardly changes (a late refund or webhook at most), and on a big club it is
   * the dearer half of the overview: it is kept for a few minutes per club and month.
   */
  private readonly pastMonths = new LRUCache<string, OverviewMonth>({ max: 1_000, ttl: PAST_MONTH_TTL_MS });

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  /** This Jalali month so far against the whole of the last one. */
  async overview(op: Operator): Promise<{ thisMonth: OverviewMonth; lastMonth: OverviewMonth }> {
    await this.deps.admin.require(op, 'reports');
    const current = jalaliMonthRange(this.clock.now());
    const previous = jalaliMonthRange(new Date(current.from.getTime() - DAY_MS));
    const key = `${op.merchantId}:${previous.jy}-${previous.jm}`;
    const cached = this.pastMonths.get(key);
    const [thisMonth, lastMonth] = await Promise.all([this.month(op.merchantId, current), cached ?? this.month(op.merchantId, previous)]);
    if (!cached) this.pastMonths.set(key, lastMonth);
    return { thisMonth, lastMonth };
  }

  private async month(merchantId: string, range: { from: Date; to: Date; jy: number; jm: number }): Promise<OverviewMonth> {
    const [report, club] = await Promise.all([
      this.deps.monthlyReport.month(merchantId, range),
      this.deps.store.clubFigures(merchantId, range.from, range.to),
    ]);
    return { ...report, ...club };
  }

  async searchMembers(op: Operator, text: string): Promise<Member[]> {
    await this.deps.admin.require(op, 'member.lookup');
    const q = parseMemberQuery(text);
    return q ? this.deps.store.searchMembers(op.merchantId, { ...q, limit: 50 }) : [];
  }

  /** Everything the member card shows; `before` pages the ledger back. */
  async memberCard(op: Operator, memberId: string, before?: number) {
    await this.deps.admin.require(op, 'member.lookup', memberId);
    const [profile, history, friends, tickets] = await Promise.all([
      this.deps.memberQueries.profile(op.merchantId, memberId),
      this.deps.memberQueries.history(op.merchantId, memberId, { before, limit: 20 }),
      this.deps.referrals.friends(op.merchantId, memberId),
      this.deps.tickets.listMine(op.merchantId, memberId, 10),
    ]);
    return { ...profile, history, friends, tickets };
  }

  /** Refuses (audited) an operator whose role may not do `action`: a page checks before it renders. */
  require(op: Operator, action: AdminAction, target?: string) {
    return this.deps.admin.require(op, action, target);
  }

  /** Refuses (audited) an operator whose role may not correct balances. */
  requireAdjust(op: Operator, memberId: string) {
    return this.deps.admin.require(op, 'member.adjust', memberId);
  }

  /** A manual correction through the ledger; `nonce` comes with the form, so a double submit applies once. */
  async adjust(op: Operator, memberId: string, input: { currency: string; amount: number; reason: string; nonce: string }) {
    await this.deps.admin.require(op, 'member.adjust', memberId);
    if (!(CURRENCIES as readonly string[]).includes(input.currency)) throw invalid('invalid_currency', 'Unknown currency');
    const reason = input.reason.trim();
    if (!reason || reason.length > ADJUST_REASON_MAX) throw invalid('validation_failed', 'A reason of 1–200 characters is required');
    const out = await this.deps.ledger.adjust({
      merchantId: op.merchantId,
      memberId,
      currency: input.currency as Currency,
      amount: input.amount,
      reason,
      idempotencyKey: `panel-${input.nonce}`,
      actor: `operator:${op.id}`,
    });
    await this.deps.audit.audit(
      operatorAudit(op, 'member.adjust', { target: memberId, details: { currency: input.currency, amount: input.amount, reason } }),
    );
    return out;
  }

  /** Checks the role and audits the export before the first row is read. */
  async startExport(op: Operator, what: 'members' | 'ledger'): Promise<void> {
    await this.deps.admin.require(op, 'exports', what);
    await this.deps.audit.audit(operatorAudit(op, `exports.${what}`));
  }

  async *members(merchantId: string): AsyncGenerator<Member[]> {
    yield* pages((after) => this.deps.store.exportMembers(merchantId, after, EXPORT_PAGE));
  }

  async *ledgerEntries(merchantId: string): AsyncGenerator<LedgerExportRow[]> {
    yield* pages((after) => this.deps.store.exportLedger(merchantId, after, EXPORT_PAGE));
  }
}

async function* pages<T>(read: (after: string | undefined) => Promise<ExportPage<T>>): AsyncGenerator<T[]> {
  let after: string | undefined;
  do {
    const page = await read(after);
    if (page.rows.length) yield page.rows;
    after = page.next;
  } while (after !== undefined);
}

export const newFormNonce = () => randomUUID();
