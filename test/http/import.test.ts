import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/http.js';

let t: TestApi;

beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

function upload(csv: string | Buffer | Readable, apiKey = t.merchant.apiKey, contentType = 'text/csv') {
  return t.app.inject({
    method: 'POST',
    url: '/v1/members/import',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType },
    payload: csv,
  });
}

async function countMembers(phonePrefix: string): Promise<number> {
  const { rows } = await t.w.db.pool.query('SELECT count(*)::int AS n FROM members WHERE merchant_id = $1 AND phone LIKE $2', [
    t.merchant.id,
    `${phonePrefix}%`,
  ]);
  return rows[0].n;
}

describe('POST /v1/members/import', () => {
  const csv = [
    'phone,first_name,last_name,birth_date,gender,city,tags,points,coins,credit',
    '09121000001,سارا,احمدی,۱۳۷۰/۰۶/۳۱,female,تهران,vip|coffee,120,5,30000',
    '+989121000002,Reza,Karimi,1988-02-29,male,Shiraz,,0,,',
    '0912-100-0003,نگار,,1404/12/30,,,,,,',
    'hello,x,y,,,,,,,',
    '09121000004,,,,other,,,,,',
    '09121000005,,,,,,,12.5,,',
    '۰۹۱۲۱۰۰۰۰۰۱,سارا,احمدی,۱۳۷۰/۰۶/۳۱,female,تهران,vip|cake,120,5,30000',
  ].join('\n');

  it('creates pending members, applies opening balances, and reports each bad row', async () => {
    const res = await upload(csv);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ rows: 7, created: 2, updated: 0, balancesApplied: 1, balancesAlreadyApplied: 0, errorCount: 4 });
    expect(report.duplicates).toEqual([{ phone: '+989121000001', rows: [1, 7], kept: 7 }]);
    expect(report.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [3, 'invalid_birth_date'],
      [4, 'invalid_phone'],
      [5, 'invalid_gender'],
      [6, 'invalid_points'],
    ]);
    const sara = await t.w.services.members.findByPhone(t.merchant.id, '09121000001');
    expect(sara).toMatchObject({
      status: 'pending',
      firstName: 'سارا',
      city: 'تهران',
      balances: { points: 120, coins: 5, credit: 30_000 },
    });
    expect(sara!.tags.sort()).toEqual(['cake', 'vip']);
    expect(sara!.birthDate?.toISOString().slice(0, 10)).toBe('1991-09-22');
  });

  it('is idempotent by phone: the same file again changes nothing', async () => {
    const before = await t.w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries');
    const report = (await upload(csv)).json();
    expect(report).toMatchObject({ created: 0, updated: 2, balancesApplied: 0, balancesAlreadyApplied: 1 });
    const after = await t.w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('reports a different opening balance for an imported phone instead of applying it', async () => {
    const report = (await upload('phone,points\n09121000001,999\n')).json();
    expect(report.errors).toEqual([{ row: 1, code: 'balance_already_imported', message: expect.stringContaining('+989121000001') }]);
    expect((await t.w.services.members.findByPhone(t.merchant.id, '09121000001'))!.balances.points).toBe(120);
  });

  describe('a line that cannot be read anywhere in the file imports nothing', () => {
    const rows = (bad: string) => {
      const lines = ['phone,first_name,points'];
      for (let i = 1; i <= 1_200; i++) lines.push(i === 1_100 ? bad : `0914${String(i).padStart(7, '0')},Member ${i},10`);
      return lines.join('\n');
    };

    it.each([
      ['an unclosed quote', '09140001100,"Member 1100,10'],
      ['a NUL byte', '09140001100,Mem\u0000ber,10'],
    ])('%s at row 1,100: 400 naming line 1,101, no member or balance written', async (_what, bad) => {
      const entriesBefore = (await t.w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries')).rows[0].n;
      const res = await upload(rows(bad));
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_csv', details: { line: 1_101 }, message: expect.stringContaining('1101') });
      expect(await countMembers('+98914')).toBe(0);
      expect((await t.w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries')).rows[0].n).toBe(entriesBefore);
    });
  });

  it('reads a Windows-1256 file (Excel in Iran), with or without charset in Content-Type', async () => {
    // Windows-1256 has no Persian yeh: Excel writes the Arabic one (U+064A), read back as Persian.
    const file = iconv.encode(
      'phone,first_name,last_name,city\n09151000001,سارا,پورگل\u064A,تهران\n09151000002,ژاله,کچو\u064A\u064A,یزد\n',
      'windows-1256',
    );
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(file)).toThrow();
    expect((await upload(file)).json()).toMatchObject({ created: 2, errorCount: 0 });
    expect(await t.w.services.members.findByPhone(t.merchant.id, '09151000001')).toMatchObject({
      firstName: 'سارا',
      lastName: 'پورگلی',
      city: 'تهران',
    });
    const named = iconv.encode('phone,first_name\n09151000003,گ\u064Aت\u064A\n', 'windows-1256');
    expect((await upload(named, t.merchant.apiKey, 'text/csv; charset=windows-1256')).statusCode).toBe(200);
    expect((await t.w.services.members.findByPhone(t.merchant.id, '09151000003'))!.firstName).toBe('گیتی');
    const unknown = await upload(named, t.merchant.apiKey, 'text/csv; charset=klingon');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unsupported_charset');
  });

  it("maps a name column to the member's first and last name", async () => {
    expect((await upload('phone,name\n09161000001,مریم  رضایی نژاد\n09161000002,Ali\n')).json()).toMatchObject({
      created: 2,
      errorCount: 0,
    });
    expect(await t.w.services.members.findByPhone(t.merchant.id, '09161000001')).toMatchObject({
      firstName: 'مریم',
      lastName: 'رضایی نژاد',
    });
    expect(await t.w.services.members.findByPhone(t.merchant.id, '09161000002')).toMatchObject({ firstName: 'Ali', lastName: null });
  });

  it('takes the last row of a phone that appears more than once, and reports it', async () => {
    const res = await upload('phone,first_name,city,points\n09171000001,Old,Qom,5\n09171000002,Other,,\n09171000001,New,Karaj,7\n');
    expect(res.json()).toMatchObject({
      rows: 3,
      created: 2,
      balancesApplied: 1,
      duplicateCount: 1,
      duplicates: [{ phone: '+989171000001', rows: [1, 3], kept: 3 }],
    });
    expect(await t.w.services.members.findByPhone(t.merchant.id, '09171000001')).toMatchObject({
      firstName: 'New',
      city: 'Karaj',
      balances: { points: 7 },
    });
  });

  it('imports a 50,000-row file', async () => {
    const rows = 50_000;
    let i = 0;
    const stream = new Readable({
      read() {
        if (i === 0) this.push('phone,first_name,points\n');
        const batch: string[] = [];
        for (let n = 0; n < 2_000 && i < rows; n++, i++)
          batch.push(`0913${String(i).padStart(7, '0')},Member ${i},${i % 100 === 0 ? 10 : ''}`);
        this.push(batch.length ? `${batch.join('\n')}\n` : null);
      },
    });
    const res = await upload(stream);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows, created: rows, errorCount: 0, balancesApplied: 500 });
    expect(await countMembers('+98913')).toBe(rows);
  }, 120_000);

  it('rejects a non-CSV body and needs an API key', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/v1/members/import',
      headers: { authorization: `Bearer ${t.merchant.apiKey}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(json.statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/members/import', headers: { 'content-type': 'text/csv' }, payload: 'phone\n' }))
        .statusCode,
    ).toBe(401);
  });
});
