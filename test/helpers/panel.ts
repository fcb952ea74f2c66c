import type { FastifyInstance } from 'fastify';
import type { Operator, OperatorRole } from '../../src/domain/admin/permissions.js';
import type { TestWorld } from './services.js';
import type { TestRedis } from './redis.js';
import { createTestApi, testPanelAccess } from './http.js';

let telegramIds = 0;

/** An operator of `merchantId` with `role`, linked by an invite as in chat. */
export async function newOperator(w: TestWorld, merchantId: string, role: OperatorRole, name = 'سارا'): Promise<Operator> {
  const { code } = await w.services.operators.invite(merchantId, role, role === 'cashier' ? 'مرکزی' : null, 'test');
  return w.services.operators.link(merchantId, code, `77${process.pid}${String(++telegramIds).padStart(4, '0')}`, name);
}

/** A club with the web panel on, and its owner (سارا), manager (نیما) and cashier (رضا). */
export async function panelClub() {
  const api = await createTestApi({ panel: true });
  const merchantId = api.merchant.id;
  return {
    api,
    owner: await newOperator(api.w, merchantId, 'owner', 'سارا'),
    manager: await newOperator(api.w, merchantId, 'manager', 'نیما'),
    cashier: await newOperator(api.w, merchantId, 'cashier', 'رضا'),
  };
}

export const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

/** A form's fields URL-encoded as a browser sends them: a list is the same name once per value. */
export function formBody(form: Record<string, string | string[]>): string {
  return new URLSearchParams(
    Object.entries(form).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x])),
  ).toString();
}

/** The CSRF token a page's forms carry. */
export function csrfOf(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1]!;
}

/** Presses "sign in" on a link's page: the session cookie, or the refusal. */
export async function postSignIn(app: FastifyInstance, token: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/panel/sign-in',
    headers: FORM_TYPE,
    payload: new URLSearchParams({ token }).toString(),
  });
  const cookie = res.cookies.find((c) => c.name === 'bashgah_panel');
  return { res, cookie: cookie ? `bashgah_panel=${cookie.value}` : undefined, setCookie: cookie };
}

/**
 * The requests a panel test makes as an operator of `api()`'s club: a session per operator
 * (signed in once by a link), GET and form POST with its cookie, a page's CSRF token, and the
 * audit lines of an action. `api` is read on each call (tests create it in beforeAll).
 */
export function panelRequests(api: () => { app: FastifyInstance; w: TestWorld; r: TestRedis }) {
  const cookies = new Map<string, string>();
  const get = (url: string, cookie: string) => api().app.inject({ method: 'GET', url, headers: { cookie } });
  return {
    async signedIn(op: Operator): Promise<string> {
      const known = cookies.get(op.id);
      if (known) return known;
      const { token } = await testPanelAccess(api().w, api().r).issueLink(op.merchantId, op.id, 'test');
      const { cookie } = await postSignIn(api().app, token);
      cookies.set(op.id, cookie!);
      return cookie!;
    },
    get,
    /** A form POST; a list is a repeated field (ticked checkboxes of one name). */
    post: (url: string, cookie: string, form: Record<string, string | string[]>) =>
      api().app.inject({ method: 'POST', url, headers: { ...FORM_TYPE, cookie }, payload: formBody(form) }),
    /** A page's CSRF token for this operator. */
    tokenFor: async (cookie: string) => csrfOf((await get('/panel/members', cookie)).body),
    async audited(action: string): Promise<{ operator_id: string; allowed: boolean; target: string | null }[]> {
      const { rows } = await api().w.db.pool.query('SELECT operator_id, allowed, target FROM audit_log WHERE action = $1 ORDER BY id', [
        action,
      ]);
      return rows;
    },
  };
}
