import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/http.js';

let t: TestApi;

beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

function upload(csv: string | Readable, apiKey = t.merchant.apiKey) {
  return t.app.inject({ method: 'POST', url: '/v1/members/import', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' }, payload: csv });
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
    '۰۹۱۲۱۰۰۰۰۰۱,,,,,,cake,120,5,30000',
  ].join('\n');

  it('creates pending members, applies opening balances, and reports each bad row', async () => {
    const res = await upload(csv);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ rows: 7, created: 2, updated: 0, balancesApplied: 1, balancesAlreadyApplied: 1, errorCount: 4 });
    expect(report.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [3, 'invalid_birth_date'],
      [4, 'invalid_phone'],
      [5, 'invalid_gender'],
      [6, 'invalid_points'],
    ]);
    const sara = await t.w.services.members.findByPhone(t.merchant.id, '09121000001');
    expect(sara).toMatchObject({ status: 'pending', firstName: 'سارا', city: 'تهران', balances: { points: 120, coins: 5, credit: 30_000 } });
    expect(sara!.tags.sort()).toEqual(['cake', 'coffee', 'vip']);
    expect(sara!.birthDate?.toISOString().slice(0, 10)).toBe('1991-09-22');
  });

  it('is idempotent by phone: the same file again changes nothing', async () => {
    const before = await t.w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries');
    const report = (await upload(csv)).json();
    expect(report).toMatchObject({ created: 0, updated: 2, balancesApplied: 0, balancesAlreadyApplied: 2 });
    const after = await t.w.db.pool.query('SELECT count(*)::int AS n FROM ledger_entries');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('reports a different opening balance for an imported phone instead of applying it', async () => {
    const report = (await upload('phone,points\n09121000001,999\n')).json();
    expect(report.errors).toEqual([{ row: 1, code: 'balance_already_imported', message: expect.stringContaining('+989121000001') }]);
    expect((await t.w.services.members.findByPhone(t.merchant.id, '09121000001'))!.balances.points).toBe(120);
  });

  it('streams a 50,000-row file', async () => {
    const rows = 50_000;
    let i = 0;
    const stream = new Readable({
      read() {
        if (i === 0) this.push('phone,first_name,points\n');
        const batch: string[] = [];
        for (let n = 0; n < 2_000 && i < rows; n++, i++) batch.push(`0913${String(i).padStart(7, '0')},Member ${i},${i % 100 === 0 ? 10 : ''}`);
        this.push(batch.length ? `${batch.join('\n')}\n` : null);
      },
    });
    const res = await upload(stream);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows, created: rows, errorCount: 0, balancesApplied: 500 });
    const n = await t.w.db.pool.query("SELECT count(*)::int AS n FROM members WHERE merchant_id = $1 AND phone LIKE '+98913%'", [t.merchant.id]);
    expect(n.rows[0].n).toBe(rows);
  }, 120_000);

  it('rejects a non-CSV body and needs an API key', async () => {
    const json = await t.app.inject({ method: 'POST', url: '/v1/members/import', headers: { authorization: `Bearer ${t.merchant.apiKey}`, 'content-type': 'application/json' }, payload: '{}' });
    expect(json.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/v1/members/import', headers: { 'content-type': 'text/csv' }, payload: 'phone\n' })).statusCode).toBe(401);
  });
});
