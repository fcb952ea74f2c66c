import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffEvents } from '../../src/jobs/handlers.js';
import { drainEvents } from '../helpers/events.js';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { newPhone } from '../helpers/services.js';

let t: TestApi;

beforeAll(async () => {
  t = await createTestApi({ settings: { staff: { commissionPercent: 1.5 } } });
});
afterAll(() => t.close());

describe('staff commission API', () => {
  it('names salespeople, credits commission from webhooks with staffCode, and reports per person', async () => {
    expect((await t.api('PUT', '/v1/staff/reza', { name: 'رضا' })).json()).toEqual({ code: 'reza', name: 'رضا' });
    expect((await t.api('PUT', '/v1/staff/bad code!', { name: null })).statusCode).toBe(400);
    for (const [i, staffCode] of ['reza', 'reza', 'neda'].entries()) {
      expect(
        (await t.webhook('/v1/webhooks/purchases', { orderId: `st-${i}`, phone: newPhone(), amount: 2_000_000, staffCode })).statusCode,
      ).toBe(200);
    }
    await drainEvents(t.w.db, [staffEvents(t.w.services.staff)]);
    const report = await t.api('GET', '/v1/staff/commissions');
    expect(report.statusCode).toBe(200);
    expect(report.json().staff).toEqual([
      { staffCode: 'reza', name: 'رضا', purchases: 2, sales: 4_000_000, commission: 60_000 },
      { staffCode: 'neda', name: null, purchases: 1, sales: 2_000_000, commission: 30_000 },
    ]);
    expect((await t.api('GET', '/v1/staff')).json().staff.map((s: { code: string }) => s.code)).toEqual(['neda', 'reza']);
  });
});
