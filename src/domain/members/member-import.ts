import { contentHash } from '../../lib/canonical-hash.js';
import { parseWholeNumber } from '../../lib/digits.js';
import { parseCalendarDate } from '../../lib/jalali.js';
import { isDomainError } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { CURRENCIES, type ApplyCommand, type Balances, type LedgerLine, type OperationOutcome } from '../ledger/types.js';
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

/** Writes of one import; everything written through it commits together or not at all. */
export interface ImportWriter {
  /** Creates pending members or fills the blanks of existing ones; returns id and whether it was new, by phone. */
  upsert(merchantId: string, rows: ImportMember[], defaultTier: string): Promise<Map<string, { id: string; created: boolean }>>;
  /** One ledger operation; when it is refused (an idempotency conflict) the other writes stand. */
  applyLedger(cmd: ApplyCommand): Promise<OperationOutcome>;
}

export interface ImportStore {
  /** Runs `fn` in one transaction: commits when it returns, rolls everything back when it throws. */
  atomically<T>(fn: (writer: ImportWriter) => Promise<T>): Promise<T>;
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
  duplicateCount: number;
  /** Phones on more than one valid row (first 1,000): the last of those rows was imported. */
  duplicates: ImportDuplicate[];
}

export interface ImportDuplicate {
  phone: string;
  rows: number[];
  kept: number;
}

const GENDERS: Record<string, Gender> = {
  male: 'male',
  m: 'male',
  مرد: 'male',
  آقا: 'male',
  female: 'female',
  f: 'female',
  زن: 'female',
  خانم: 'female',
};
const CHUNK = 500;
const MAX_ERRORS = 1_000;

interface ParsedRow {
  row: number;
  member: ImportMember;
  balances: Partial<Balances>;
}

/** "سارا احمدی" → first name سارا, last name احمدی; a single word is a first name. */
function splitName(name: string): [string, string | undefined] {
  const words = name.trim().split(/\s+/);
  return words.length > 1 ? [words[0]!, words.slice(1).join(' ')] : [words[0]!, undefined];
}

/** Arabic yeh and kaf (what Windows-1256 and Arabic keyboards give) as the Persian letters. */
const persianLetters = (v: string) =>
  v
    .replace(/\u064A/g, '\u06CC')
    .replace(/\u0649/g, '\u06CC')
    .replace(/\u0643/g, '\u06A9');

function text(value: string | undefined, max = 60): string | null {
  const v = value && persianLetters(value.trim().replace(/\s+/g, ' '));
  return v ? v.slice(0, max) : null;
}

/** One CSV record (column names lower-cased) as a member, or the reason it is not one. */
export function parseImportRecord(record: Record<string, string>, row: number): ParsedRow | ImportError {
  const [firstName, lastName] =
    record.name?.trim() && !record.first_name?.trim() && !record.last_name?.trim()
      ? splitName(record.name)
      : [record.first_name, record.last_name];
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
  const tags = (record.tags ?? '')
    .split(/[|;]/)
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    row,
    member: { phone, firstName: text(firstName), lastName: text(lastName), birthDate, gender, city: text(record.city), tags },
    balances,
  };
}

/**
 * Imports members from a CSV's records, all or nothing: the whole file is read and checked
 * first, so a broken line anywhere (an unclosed quote, a NUL byte) rejects the file with its
 * line number before anything is written; then every member and opening balance is written in
 * one transaction. Rows that are read but invalid (a bad phone or date) are skipped and
 * reported. When one phone is on several valid rows the last row wins, and that is reported.
 * Idempotent by phone: members are created pending or their blanks filled, and opening balances
 * are one ledger operation per phone (`import:<phone>`), so importing the same file again
 * changes nothing and a different opening balance for a phone is reported, not applied.
 */
export class MemberImportService {
  constructor(
    private readonly store: ImportStore,
    private readonly ledger: LedgerService,
    private readonly settings: SettingsProvider,
  ) {}

  async import(merchantId: string, records: AsyncIterable<Record<string, string>>, actor: string): Promise<ImportReport> {
    const report: ImportReport = {
      rows: 0,
      created: 0,
      updated: 0,
      balancesApplied: 0,
      balancesAlreadyApplied: 0,
      errorCount: 0,
      errors: [],
      duplicateCount: 0,
      duplicates: [],
    };
    const fail = (e: ImportError) => {
      report.errorCount++;
      if (report.errors.length < MAX_ERRORS) report.errors.push(e);
    };
    const byPhone = new Map<string, ParsedRow>();
    const duplicateRows = new Map<string, number[]>();
    for await (const values of records) {
      report.rows++;
      const parsed = parseImportRecord(values, report.rows);
      if ('code' in parsed) {
        fail(parsed);
        continue;
      }
      const earlier = byPhone.get(parsed.member.phone);
      if (earlier) duplicateRows.set(parsed.member.phone, [...(duplicateRows.get(parsed.member.phone) ?? [earlier.row]), parsed.row]);
      byPhone.delete(parsed.member.phone); // re-inserted: rows keep the order of their last occurrence
      byPhone.set(parsed.member.phone, parsed);
    }
    report.duplicateCount = duplicateRows.size;
    for (const [phone, rows] of duplicateRows) {
      if (report.duplicates.length >= MAX_ERRORS) break;
      report.duplicates.push({ phone, rows, kept: rows.at(-1)! });
    }
    const rows = [...byPhone.values()];
    const defaultTier = (await this.settings.get(merchantId)).tiers.levels[0]!.key;
    await this.store.atomically(async (writer) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        const ids = await writer.upsert(
          merchantId,
          chunk.map((r) => r.member),
          defaultTier,
        );
        for (const { created } of ids.values()) created ? report.created++ : report.updated++;
        for (const r of chunk) {
          if (Object.keys(r.balances).length)
            await this.applyBalances(writer, merchantId, ids.get(r.member.phone)!.id, r, actor, report, fail);
        }
      }
    });
    report.errors.sort((a, b) => a.row - b.row);
    return report;
  }

  private async applyBalances(
    writer: ImportWriter,
    merchantId: string,
    memberId: string,
    r: ParsedRow,
    actor: string,
    report: ImportReport,
    fail: (e: ImportError) => void,
  ) {
    const lines: LedgerLine[] = CURRENCIES.filter((c) => r.balances[c]).map((c) => ({
      mode: 'earn',
      currency: c,
      amount: r.balances[c]!,
      reason: 'import',
      refType: 'import',
      expiresAt: null,
    }));
    try {
      const out = await writer.applyLedger(
        await this.ledger.prepare({
          merchantId,
          memberId,
          idempotencyKey: `import:${r.member.phone}`,
          requestHash: contentHash({ import: r.balances }),
          kind: 'import',
          actor,
          lines,
        }),
      );
      out.replayed ? report.balancesAlreadyApplied++ : report.balancesApplied++;
    } catch (err) {
      if (!isDomainError(err, 'idempotency_conflict')) throw err;
      fail({
        row: r.row,
        code: 'balance_already_imported',
        message: `opening balances for ${r.member.phone} were already imported with other values`,
      });
    }
  }
}
