import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ACTIONS, can, type Operator } from '../../src/domain/admin/permissions.js';
import { createTestWorld, joinedMember, type TestWorld } from '../helpers/services.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

let w: TestWorld;
let r: TestRedis;
beforeAll(async () => {
  r = createTestRedis();
  w = await createTestWorld({ redis: r });
});
afterAll(async () => {
  await w.close();
  await r.cleanup();
});

let tgIds = 900_000;
async function operator(
  merchantId: string,
  role: 'owner' | 'manager' | 'cashier',
  branch: string | null = role === 'cashier' ? 'vanak' : null,
): Promise<Operator> {
  const { code } = await w.services.operators.invite(merchantId, role, branch, 'cli');
  return w.services.operators.link(merchantId, code, String(++tgIds), `${role} person`);
}

describe('operator invitations', () => {
  it('a one-time code links a Telegram account; used, expired, unknown and other merchants’ codes are refused', async () => {
    const m = await w.newMerchant();
    const other = await w.newMerchant();
    await expect(w.services.operators.invite(m, 'boss', null, 'cli')).rejects.toMatchObject({ code: 'invalid_role' });
    await expect(w.services.operators.invite(m, 'cashier', null, 'cli')).rejects.toMatchObject({ code: 'branch_required' });

    const { code, expiresAt } = await w.services.operators.invite(m, 'manager', null, 'cli');
    expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{10}$/);
    expect(expiresAt.getTime() - w.clock.now().getTime()).toBe(24 * 3_600_000);
    await expect(w.services.operators.link(other, code, '111', null)).rejects.toMatchObject({ code: 'invite_unknown' });
    const op = await w.services.operators.link(m, ` ${code.slice(0, 5).toLowerCase()}-${code.slice(5)} `, '111', 'Reza');
    expect(op).toMatchObject({ merchantId: m, role: 'manager', telegramUserId: '111', displayName: 'Reza' });
    expect(await w.services.operators.forTelegram(m, '111')).toMatchObject({ id: op.id });
    await expect(w.services.operators.link(m, code, '222', null)).rejects.toMatchObject({ code: 'invite_used' });
    expect(await w.services.operators.forTelegram(m, '222')).toBeNull();

    const late = await w.services.operators.invite(m, 'owner', null, 'cli');
    w.clock.advance(24 * 3_600_000 + 1);
    await expect(w.services.operators.link(m, late.code, '333', null)).rejects.toMatchObject({ code: 'invite_expired' });
    w.clock.set('2026-11-23T08:00:00Z');
    await expect(w.services.operators.link(m, 'NOPE234567', '333', null)).rejects.toMatchObject({ code: 'invite_unknown' });

    const codes = await w.db.pool.query('SELECT code_hash FROM operator_invites WHERE merchant_id = $1', [m]);
    expect(JSON.stringify(codes.rows)).not.toContain(code);
    const refusals = await w.db.pool.query(
      "SELECT details->>'reason' AS reason FROM audit_log WHERE merchant_id = $1 AND action = 'operators.link' AND NOT allowed ORDER BY id",
      [m],
    );
    expect(refusals.rows.map((x) => x.reason)).toEqual(['used', 'expired', 'unknown']);
  });
});

describe('roles', () => {
  it('the permission table: cashiers at the till, managers run the club, owners also settings and operators', () => {
    const allowed = (role: 'owner' | 'manager' | 'cashier') =>
      Object.keys(ADMIN_ACTIONS).filter((a) => can(role, a as keyof typeof ADMIN_ACTIONS));
    expect(allowed('cashier')).toEqual(['purchase.record', 'purchase.refund', 'member.lookup']);
    expect(allowed('manager')).toEqual([
      'purchase.record',
      'purchase.refund',
      'member.lookup',
      'member.adjust',
      'exports',
      'gifts.queue',
      'tickets',
      'campaigns',
      'reports',
    ]);
    expect(allowed('owner')).toEqual(Object.keys(ADMIN_ACTIONS));
  });

  it('every admin action is checked on the server: a cashier is refused and the refusal is audited', async () => {
    const m = await w.newMerchant();
    const cashier = await operator(m, 'cashier');
    const manager = await operator(m, 'manager');
    const owner = await operator(m, 'owner');
    const member = await joinedMember(w, m);
    const gift = await w.services.gifts.create(m, { title: 'Mug', costCurrency: 'coins', cost: 0 });
    const { request } = await w.services.gifts.request(m, member, gift.id, 'g1');

    const a = w.services.admin;
    const managerOnly: [string, (op: Operator) => Promise<unknown>][] = [
      ['gifts.queue', (op) => a.giftQueue(op)],
      ['gifts.queue', (op) => a.giftStep(op, request.id, 'approve')],
      ['campaigns', (op) => a.countSegment(op, {})],
      ['campaigns', (op) => a.createCampaign(op, { kind: 'message', name: 'x', message: { text: 'hi' } })],
      ['reports', (op) => a.figures(op)],
    ];
    for (const [action, run] of managerOnly) {
      await expect(run(cashier), action).rejects.toMatchObject({ code: 'not_allowed', kind: 'forbidden' });
    }
    await expect(a.inviteOperator(manager, 'cashier', 'vanak')).rejects.toMatchObject({ code: 'not_allowed' });
    await expect(a.inviteOperator(cashier, 'owner', null)).rejects.toMatchObject({ code: 'not_allowed' });

    expect(await a.giftQueue(manager)).toHaveLength(1);
    expect(await a.giftStep(manager, request.id, 'approve')).toMatchObject({ status: 'approved' });
    expect(await a.figures(manager)).toMatchObject({ today: { purchases: 0, newMembers: 1 }, month: { newMembers: 1 } });
    w.clock.set('2026-11-23T08:00:00Z');
    expect((await a.inviteOperator(owner, 'cashier', 'tajrish')).code).toHaveLength(10);

    const log = await w.db.pool.query('SELECT action, allowed FROM audit_log WHERE merchant_id = $1 AND operator_id = $2 ORDER BY id', [
      m,
      cashier.id,
    ]);
    expect(log.rows.filter((x) => !x.allowed).map((x) => x.action)).toEqual([
      'gifts.queue',
      'gifts.queue',
      'campaigns',
      'campaigns',
      'reports',
      'operators',
    ]);
    const managerLog = await w.db.pool.query('SELECT action FROM audit_log WHERE operator_id = $1 AND allowed ORDER BY id', [manager.id]);
    expect(managerLog.rows.map((x) => x.action)).toEqual(['operators.link', 'gifts.approve']);
  });

  it('a cashier records purchases in their own branch and cannot return another branch’s purchase', async () => {
    const m = await w.newMerchant();
    const cashier = await operator(m, 'cashier', 'vanak');
    const manager = await operator(m, 'manager');
    const member = await joinedMember(w, m);
    const sale = await w.services.admin.recordPurchase(cashier, {
      phone: member.phone,
      amount: 500_000,
      branch: 'tajrish',
      category: 'coffee',
      nonce: 'n1',
    });
    expect(sale).toMatchObject({ status: 'credited', awarded: { points: 50 } });
    const again = await w.services.admin.recordPurchase(cashier, {
      phone: member.phone,
      amount: 500_000,
      branch: 'tajrish',
      category: 'coffee',
      nonce: 'n1',
    });
    expect(again.replayed).toBe(true); // a double tap on "confirm" records once
    expect((await w.services.purchases.find(m, sale.orderId))!.branch).toBe('vanak');

    const elsewhere = await w.services.admin.recordPurchase(manager, {
      memberCode: member.memberCode,
      amount: 300_000,
      branch: 'tajrish',
      nonce: 'n2',
    });
    await expect(w.services.admin.recordReturn(cashier, { orderId: elsewhere.orderId, nonce: 'r1' })).rejects.toMatchObject({
      code: 'other_branch',
    });
    const back = await w.services.admin.recordReturn(cashier, { orderId: sale.orderId, nonce: 'r2' });
    expect(back).toMatchObject({ amount: 500_000, reversed: { points: 50 } });
    const profile = await w.services.admin.lookupMember(cashier, member.phone.replace('+98', '0'));
    expect(profile.member.id).toBe(member.id);
    // A member code (not a phone) finds the member too, typed in either case.
    expect((await w.services.admin.lookupMember(cashier, member.memberCode.toLowerCase())).member.id).toBe(member.id);
    const log = await w.db.pool.query('SELECT action, allowed, target FROM audit_log WHERE operator_id = $1 ORDER BY id', [cashier.id]);
    expect(log.rows.map((x) => `${x.action}:${x.allowed}`)).toEqual([
      'operators.link:true',
      'purchase.record:true',
      'purchase.record:true',
      'purchase.refund:false',
      'purchase.refund:true',
      'member.lookup:true',
      'member.lookup:true',
    ]);
  });
});
