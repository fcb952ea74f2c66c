import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, testPanelAccess, type TestApi } from '../helpers/http.js';
import { csrfOf, FORM_TYPE, newOperator, postSignIn } from '../helpers/panel.js';
import { joinedMember } from '../helpers/services.js';
import type { PanelAccess } from '../../src/domain/admin/panel-access.js';
import type { Operator } from '../../src/domain/admin/permissions.js';

let api: TestApi;
let access: PanelAccess;
let owner: Operator;
let cashier: Operator;

beforeAll(async () => {
  api = await createTestApi({ panel: true });
  access = testPanelAccess(api.w, api.r);
  owner = await newOperator(api.w, api.merchant.id, 'owner');
  cashier = await newOperator(api.w, api.merchant.id, 'cashier', 'رضا');
}, 60_000);

afterAll(async () => {
  await api?.close();
});

async function signedIn(op: Operator) {
  const { token } = await access.issueLink(op.merchantId, op.id, 'test');
  const { cookie } = await postSignIn(api.app, token);
  return cookie!;
}

const get = (url: string, cookie?: string) => api.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
const post = (url: string, cookie: string, form: Record<string, string>) =>
  api.app.inject({ method: 'POST', url, headers: { ...FORM_TYPE, cookie }, payload: new URLSearchParams(form).toString() });

async function auditRows(action: string) {
  const { rows } = await api.w.db.pool.query('SELECT operator_id, allowed, target FROM audit_log WHERE action = $1 ORDER BY id', [action]);
  return rows;
}

describe('signing in to the web panel', () => {
  it('a one-time link shows a sign-in button, and pressing it gives an HttpOnly, SameSite=Strict session cookie', async () => {
    const { token } = await access.issueLink(api.merchant.id, owner.id, 'test');
    const page = await get(`/panel/sign-in?token=${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="fa" dir="rtl">');
    expect(page.body).toContain('ورود به پنل');
    expect(page.headers['referrer-policy']).toBe('no-referrer');

    const { res, setCookie, cookie } = await postSignIn(api.app, token);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/panel');
    expect(setCookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/panel' });
    expect(setCookie!.secure).toBeFalsy(); // PUBLIC_URL is not https here
    const home = await get('/panel', cookie);
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/panel/overview');
    expect((await auditRows('panel.sign_in')).some((r) => r.operator_id === owner.id && r.allowed)).toBe(true);
  });

  it('a link is refused the second time, after ten minutes, and when made up', async () => {
    const used = await access.issueLink(api.merchant.id, owner.id, 'test');
    expect((await postSignIn(api.app, used.token)).res.statusCode).toBe(303);
    const again = await postSignIn(api.app, used.token);
    expect(again.res.statusCode).toBe(401);
    expect(again.cookie).toBeUndefined();
    expect(again.res.body).toContain('این پیوند ورود معتبر نیست');

    const old = await access.issueLink(api.merchant.id, owner.id, 'test');
    api.w.clock.advance(10 * 60_000 + 1);
    expect((await postSignIn(api.app, old.token)).res.statusCode).toBe(401);
    expect((await postSignIn(api.app, 'made-up-token')).res.statusCode).toBe(401);
  });

  it('without a session every page says how to sign in (401); signing out ends the session', async () => {
    const page = await get('/panel/overview');
    expect(page.statusCode).toBe(401);
    expect(page.body).toContain('/panel');
    expect((await get('/panel/overview', 'bashgah_panel=forged')).statusCode).toBe(401);

    const cookie = await signedIn(owner);
    const overview = await get('/panel/overview', cookie);
    expect(overview.statusCode).toBe(200);
    const out = await post('/panel/sign-out', cookie, { _csrf: csrfOf(overview.body) });
    expect(out.statusCode).toBe(303);
    expect((await get('/panel/overview', cookie)).statusCode).toBe(401);
  });
});

describe('roles and CSRF', () => {
  it('a cashier gets the 403 page for the overview and exports, and their balance adjustment is refused and audited', async () => {
    const member = await joinedMember(api.w, api.merchant.id, { coins: 10 });
    const cookie = await signedIn(cashier);
    expect((await get('/panel', cookie)).headers.location).toBe('/panel/members');
    for (const url of ['/panel/overview', '/panel/exports', '/panel/exports/members.csv']) {
      const page = await get(url, cookie);
      expect(page.statusCode, url).toBe(403);
      expect(page.body).toContain('در دسترسی نقش شما (صندوق‌دار) نیست');
    }
    const card = await get(`/panel/members/${member.id}`, cookie);
    expect(card.statusCode).toBe(200);
    expect(card.body).not.toContain('اصلاح موجودی'); // no form for a cashier
    expect(card.body).not.toMatch(/href="\/panel\/overview"/); // nor a menu item they cannot open

    const refused = await post(`/panel/members/${member.id}/adjust`, cookie, {
      _csrf: csrfOf(card.body),
      direction: 'add',
      currency: 'coins',
      amount: '500',
      reason: 'هدیه',
      nonce: 'cashier-nonce-1',
    });
    expect(refused.statusCode).toBe(403);
    expect((await api.w.services.members.get(api.merchant.id, member.id)).balances.coins).toBe(10);
    expect(await auditRows('member.adjust')).toContainEqual({ operator_id: cashier.id, allowed: false, target: member.id });
    expect((await auditRows('reports')).some((r) => r.operator_id === cashier.id && !r.allowed)).toBe(true);
  });

  it('a POST without the session’s CSRF token is refused; with it the owner’s adjustment goes through the ledger once', async () => {
    const member = await joinedMember(api.w, api.merchant.id, { points: 100 });
    const cookie = await signedIn(owner);
    const card = await get(`/panel/members/${member.id}`, cookie);
    const form = { direction: 'deduct', currency: 'points', amount: '۴۰', reason: 'جبران خطای صندوق', nonce: 'owner-nonce-1' };
    expect((await post(`/panel/members/${member.id}/adjust`, cookie, form)).statusCode).toBe(403);
    expect((await post(`/panel/members/${member.id}/adjust`, cookie, { ...form, _csrf: 'x'.repeat(43) })).statusCode).toBe(403);
    expect((await api.w.services.members.get(api.merchant.id, member.id)).balances.points).toBe(100);

    const ok = await post(`/panel/members/${member.id}/adjust`, cookie, { ...form, _csrf: csrfOf(card.body) });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/panel/members/${member.id}?adjusted=1`);
    // The same form sent twice (a double click) applies once.
    expect((await post(`/panel/members/${member.id}/adjust`, cookie, { ...form, _csrf: csrfOf(card.body) })).statusCode).toBe(303);
    expect((await api.w.services.members.get(api.merchant.id, member.id)).balances.points).toBe(60);
    const after = await get(`/panel/members/${member.id}?adjusted=1`, cookie);
    expect(after.body).toContain('اصلاح موجودی ثبت شد');
    expect(after.body).toContain('اصلاح توسط فروشگاه: جبران خطای صندوق');
    expect(after.body).toContain('−۴۰');
    expect(await auditRows('member.adjust')).toContainEqual({ operator_id: owner.id, allowed: true, target: member.id });

    const tooMuch = await post(`/panel/members/${member.id}/adjust`, cookie, {
      ...form,
      amount: '1000',
      nonce: 'owner-nonce-2',
      _csrf: csrfOf(card.body),
    });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.body).toContain('موجودی عضو برای این کاهش کافی نیست');
  });
});

describe('pages', () => {
  it('member search finds a member by a phone in Persian digits, by code and by name; htmx gets the results alone', async () => {
    const member = await joinedMember(api.w, api.merchant.id);
    await api.w.services.members.updateProfile(api.merchant.id, member.id, { firstName: 'نگار', lastName: 'کاظمی' });
    const cookie = await signedIn(cashier);
    const local = `0${member.phone.slice(3)}`.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
    for (const q of [local, member.memberCode.toLowerCase(), 'کاظمی']) {
      const page = await get(`/panel/members?q=${encodeURIComponent(q)}`, cookie);
      expect(page.statusCode).toBe(200);
      expect(page.body, q).toContain(`/panel/members/${member.id}`);
      expect(page.body).toContain('نگار کاظمی');
    }
    const fragment = await api.app.inject({
      method: 'GET',
      url: '/panel/members?q=%DA%A9%D8%A7%D8%B8%D9%85%DB%8C',
      headers: { cookie, 'hx-request': 'true' },
    });
    expect(fragment.body).not.toContain('<html');
    expect(fragment.body).toContain('نگار کاظمی');
  });

  it('the overview shows this Jalali month against the last in Persian digits', async () => {
    const cookie = await signedIn(owner);
    const page = await get('/panel/overview', cookie);
    expect(page.statusCode).toBe(200);
    // The test clock stands on 2 Azar 1405.
    expect(page.body).toContain('آذر ۱۴۰۵');
    expect(page.body).toContain('آبان ۱۴۰۵');
    expect(page.body).toMatch(/data-metric="members"[\s\S]*?class="value">[۰-۹٬]+</);
    expect(page.body).not.toMatch(/class="value">[0-9]/);
  });

  it('exports stream CSV in UTF-8 with a BOM and Persian headers', async () => {
    const member = await joinedMember(api.w, api.merchant.id, { coins: 7 });
    const cookie = await signedIn(owner);
    const members = await get('/panel/exports/members.csv', cookie);
    expect(members.statusCode).toBe(200);
    expect(members.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(members.headers['content-disposition']).toMatch(/attachment; filename="members-1405-09-02.csv"/);
    expect(members.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(members.body).toContain('کد عضویت,موبایل,نام');
    expect(members.body).toContain(`${member.memberCode},${member.phone}`);
    const ledger = await get('/panel/exports/ledger.csv', cookie);
    expect(ledger.body.split('\r\n').filter((l) => l.includes(member.memberCode))).toHaveLength(1);
    expect(await auditRows('exports.ledger')).toContainEqual({ operator_id: owner.id, allowed: true, target: null });
  });

  it('assets come from this server: htmx and the Vazirmatn font', async () => {
    const htmx = await get('/panel/assets/htmx.min.js');
    expect(htmx.statusCode).toBe(200);
    expect(htmx.headers['content-type']).toContain('javascript');
    expect((await get('/panel/assets/vazirmatn.woff2')).headers['content-type']).toBe('font/woff2');
  });
});
