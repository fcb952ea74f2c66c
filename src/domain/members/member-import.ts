import { contentHash } from '../../lib/canonical-hash.js';
import { parseWholeNumber } from '../../lib/digits.js';
import { parseCalendarDate } from '../../lib/jalali.js';
import { isDomainError } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { CURRENCIES, type Balances, type LedgerLine } from '../ledger/types.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { normalizePhone } from './phone.js';
import type { Gender } from './types.js';

export interface ImportMember {
  phone: string;
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  gender: Gender | null;
  city: string | null;
  tags: string[];
}

export interface ImportStore {
  /** Creates pending members or fills the blanks of existing ones; returns id and whether it was new, by phone. */
  upsert(merchantId: string, rows: ImportMember[], defaultTier: string): Promise<Map<string, { id: string; created: boolean }>>;
}

export interface ImportError {
  row: number;
  code: string;
  message: string;
}

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  balancesApplied: number;
  balancesAlreadyApplied: number;
  errorCount: number;
  /** The first 1,000 errors, by data row number (the header is not counted). */
  errors: ImportError[];
}

const GENDERS: Record<string, Gender> = { male: 'male', m: 'male', مرد: 'male', آقا: 'male', female: 'female', f: 'female', زن: 'female', خانم: 'female' };
const CHUNK = 500;
const MAX_ERRORS = 1_000;
const LEDGER_CONCURRENCY = 8;

interface ParsedRow {
  row: number;
  member: ImportMember;
  balances: Partial<Balances>;
}

function text(value: string | undefined, max = 60): string | null {
  const v = value?.trim().replace(/\s+/g, ' ');
  return v ? v.slice(0, max) : null;
}

/** One CSV record (column names lower-cased) as a member, or the reason it is not one. */
export function parseImportRecord(record: Record<string, string>, row: number): ParsedRow | ImportError {
  const phone = normalizePhone(record.phone ?? record.mobile ?? '');
  if (!phone) return { row, code: 'invalid_phone', message: `phone "${record.phone ?? ''}" is not a mobile number` };
  let birthDate: string | null = null;
  if (record.birth_date?.trim()) {
    const date = parseCalendarDate(record.birth_date);
    if (!date) return { row, code: 'invalid_birth_date', message: `birth_date "${record.birth_date}" is not a Jalali or Gregorian date` };
    birthDate = date.toISOString().slice(0, 10);
  }
  let gender: Gender | null = null;
  if (record.gender?.trim()) {
    gender = GENDERS[record.gender.trim().toLowerCase()] ?? null;
    if (!gender) return { row, code: 'invalid_gender', message: `gender "${record.gender}" is not male/female` };
  }
  const balances: Partial<Balances> = {};
  for (const c of CURRENCIES) {
    const raw = record[c]?.trim();
    if (!raw) continue;
    const n = parseWholeNumber(raw);
    if (n === null) return { row, code: `invalid_${c}`, message: `${c} "${raw}" is not a whole number` };
    if (n > 0) balances[c] = n;
  }
  const tags = (record.tags ?? '').split(/[|;]/).map((t) => t.trim()).filter(Boolean);
  return {
    row,
    member: { phone, firstName: text(record.first_name), lastName: text(record.last_name), birthDate, gender, city: text(record.city), tags },
    balances,
  };
}

function mergeRows(a: ImportMember | undefined, b: ImportMember): ImportMember {
  if (!a) return b;
  return {
    phone: b.phone,
    firstName: b.firstName ?? a.firstName,
    lastName: b.lastName ?? a.lastName,
    birthDate: b.birthDate ?? a.birthDate,
    gender: b.gender ?? a.gender,
    city: b.city ?? a.city,
    tags: [...new Set([...a.tags, ...b.tags])],
  };
}

/**
 * Imports members from a stream of records, a chunk at a time (memory stays flat however large
 * the file), idempotent by phone: members are created pending or their blanks filled, and
 * opening balances are one ledger operation per phone (`import:<phone>`), so importing the same
 * file again changes nothing and a different opening balance for a phone is reported, not applied.
 */
export class MemberImportService {
  constructor(private readonly store: ImportStore, private readonly ledger: LedgerService, private readonly settings: SettingsProvider) {}

  async import(merchantId: string, records: AsyncIterable<Record<string, string>>, actor: string): Promise<ImportReport> {
    const report: ImportReport = { rows: 0, created: 0, updated: 0, balancesApplied: 0, balancesAlreadyApplied: 0, errorCount: 0, errors: [] };
    const defaultTier = (await this.settings.get(merchantId)).tiers.levels[0]!.key;
    const fail = (e: ImportError) => {
      report.errorCount++;
      if (report.errors.length < MAX_ERRORS) report.errors.push(e);
    };
    let chunk: ParsedRow[] = [];
    const flush = async () => {
      if (!chunk.length) return;
      const rows = chunk;
      chunk = [];
      // One row per phone in a statement; a later row for the same phone fills in more fields.
      const byPhone = new Map<string, ImportMember>();
      for (const r of rows) byPhone.set(r.member.phone, mergeRows(byPhone.get(r.member.phone), r.member));
      const ids = await this.store.upsert(merchantId, [...byPhone.values()], defaultTier);
      for (const { created } of ids.values()) created ? report.created++ : report.updated++;
      const withBalances = rows.filter((r) => Object.keys(r.balances).length);
      for (let i = 0; i < withBalances.length; i += LEDGER_CONCURRENCY) {
        await Promise.all(withBalances.slice(i, i + LEDGER_CONCURRENCY).map((r) => this.applyBalances(merchantId, ids.get(r.member.phone)!.id, r, actor, report, fail)));
      }
    };
    for await (const record of records) {
      report.rows++;
      const parsed = parseImportRecord(record, report.rows);
      if ('code' in parsed) fail(parsed);
      else chunk.push(parsed);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    return report;
  }

  private async applyBalances(merchantId: string, memberId: string, r: ParsedRow, actor: string, report: ImportReport, fail: (e: ImportError) => void) {
    const lines: LedgerLine[] = CURRENCIES.filter((c) => r.balances[c]).map((c) => ({ mode: 'earn', currency: c, amount: r.balances[c]!, reason: 'import', refType: 'import', expiresAt: null }));
    try {
      const out = await this.ledger.apply({
        merchantId,
        memberId,
        idempotencyKey: `import:${r.member.phone}`,
        requestHash: contentHash({ import: r.balances }),
        kind: 'import',
        actor,
        lines,
      });
      out.replayed ? report.balancesAlreadyApplied++ : report.balancesApplied++;
    } catch (err) {
      if (!isDomainError(err, 'idempotency_conflict')) throw err;
      fail({ row: r.row, code: 'balance_already_imported', message: `opening balances for ${r.member.phone} were already imported with other values` });
    }
  }
}
