import type { FastifyInstance } from 'fastify';
import type { Operator, OperatorRole } from '../../src/domain/admin/permissions.js';
import type { TestWorld } from './services.js';

let telegramIds = 0;

/** An operator of `merchantId` with `role`, linked by an invite as in chat. */
export async function newOperator(w: TestWorld, merchantId: string, role: OperatorRole, name = 'سارا'): Promise<Operator> {
  const { code } = await w.services.operators.invite(merchantId, role, role === 'cashier' ? 'مرکزی' : null, 'test');
  return w.services.operators.link(merchantId, code, `77${process.pid}${String(++telegramIds).padStart(4, '0')}`, name);
}

export const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

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
