import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OPERATOR_ROLES, type Operator } from '../../../domain/admin/permissions.js';
import { FORM } from '../deps.js';
import { html, type Html } from '../html.js';
import { section, table, type TableRow } from '../components.js';
import { csrfField, panelPage } from '../layout.js';
import { allowedView, auditChange, formFields, sendHtml, type PagesDeps } from '../page-kit.js';
import type { PanelView } from '../view.js';

const idParams = z.object({ id: z.uuid() });
const BRANCH_MAX = 64;

interface PageOpts {
  invited?: { code: string; role: string; branch: string | null; expiresAt: Date };
  /** An invite refused: what was typed, and why, shown in the invite form. */
  invite?: { role: string; branch: string; error: string };
  error?: string;
  done?: boolean;
}

function roleSelect(v: PanelView, id: string, selected: string): Html {
  return html`<select id="${id}" name="role">
    ${OPERATOR_ROLES.map((r) => html`<option value="${r}" ${r === selected ? html`selected` : ''}>${v.t(`admin.role.${r}`)}</option>`)}
  </select>`;
}

function operatorRow(v: PanelView, o: Operator): TableRow {
  const t = v.t;
  const self = o.id === v.op.id;
  const controls =
    self || o.disabledAt
      ? ''
      : html`<form method="post" action="/panel/operators/${o.id}/role" class="inline">
            ${csrfField(v)}
            <label class="sr-only" for="role-${o.id}">${t('panel_pages.operators.role')}</label>${roleSelect(v, `role-${o.id}`, o.role)}
            <label class="sr-only" for="branch-${o.id}">${t('panel_pages.operators.branch')}</label>
            <input
              id="branch-${o.id}"
              name="branch"
              value="${o.branch ?? ''}"
              size="10"
              placeholder="${t('panel_pages.operators.branch')}"
            />
            <button type="submit">${t('panel_pages.operators.change')}</button>
          </form>
          <form method="post" action="/panel/operators/${o.id}/remove" class="inline">
            ${csrfField(v)}<button type="submit" class="danger">${t('panel_pages.operators.remove')}</button>
          </form>`;
  return [
    html`${o.displayName ?? '—'} ${self ? html`<span class="badge">${t('panel_pages.operators.you')}</span>` : ''}`,
    t(`admin.role.${o.role}`),
    o.branch ?? '—',
    o.disabledAt ? html`<span class="badge warn">${t('panel_pages.operators.removed')}</span>` : t('panel_pages.operators.active'),
    { content: controls, className: 'actions' },
  ];
}

/** Operators (owners only, as in chat): who works in the club, invite codes for /admin, roles, removal. */
export async function operatorPages(app: FastifyInstance, deps: PagesDeps) {
  const { admin, operatorStore } = deps.services;

  const show = async (request: FastifyRequest, reply: FastifyReply, opts: PageOpts, status = 200) => {
    const v = await allowedView(request, deps, 'operators');
    const t = v.t;
    const list = await operatorStore.list(v.op.merchantId);
    const invite = html`${
        opts.invited
          ? html`<div class="ok" role="status" data-invite>
              <p>
                ${t('panel_pages.operators.invited', { role: t(`admin.role.${opts.invited.role}`), date: v.dateTime(opts.invited.expiresAt) })}
              </p>
              <p><code dir="ltr">/admin ${opts.invited.code}</code></p>
            </div>`
          : ''
      }
      <form method="post" action="/panel/operators/invite" class="stack">
        ${csrfField(v)}
        <label for="invite-role">${t('panel_pages.operators.role')}</label>${roleSelect(v, 'invite-role', opts.invite?.role ?? 'cashier')}
        <label for="invite-branch">${t('panel_pages.operators.branch')}</label>
        <input
          id="invite-branch"
          name="branch"
          value="${opts.invite?.branch ?? ''}"
          maxlength="${BRANCH_MAX}"
          autocomplete="off"
          ${opts.invite ? html`aria-invalid="true" aria-describedby="invite-branch-error branch-hint"` : html`aria-describedby="branch-hint"`}
        />
        ${opts.invite ? html`<span class="error field-error" id="invite-branch-error">${opts.invite.error}</span>` : ''}
        <p class="muted" id="branch-hint">${t('panel_pages.operators.branch_hint')}</p>
        <button type="submit" class="primary">${t('panel_pages.operators.invite')}</button>
      </form>`;
    const body = html`${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
    ${opts.done ? html`<p class="ok" role="status">${t('panel_pages.operators.done')}</p>` : ''}
    ${section(
      'ops-h',
      t('panel_pages.operators.list'),
      table(
        ['name', 'role', 'branch', 'status', 'actions'].map((k) => t(`panel_pages.operators.col.${k}`)),
        list.map((o) => operatorRow(v, o)),
      ),
    )}
    ${section('invite-h', t('panel_pages.operators.invite_title'), invite)}`;
    return sendHtml(reply, panelPage(v, t('panel_pages.nav.operators'), body), status);
  };

  /** The same rules as an invite from chat: a known role, a cashier in a branch, only an owner makes an owner. */
  const roleError = (v: PanelView, role: string, branch: string | null): string | null => {
    if (!(OPERATOR_ROLES as readonly string[]).includes(role)) return v.t('panel_pages.operators.bad_role');
    if (role === 'cashier' && !branch) return v.t('panel_pages.operators.branch_required');
    if (branch && branch.length > BRANCH_MAX) return v.t('panel_pages.operators.branch_long');
    if (role === 'owner' && v.op.role !== 'owner') return v.t('panel_pages.operators.bad_role');
    return null;
  };

  app.get('/operators', async (request, reply) => show(request, reply, { done: (request.query as Record<string, unknown>).done === '1' }));

  app.post('/operators/invite', { schema: FORM }, async (request, reply) => {
    const v = await allowedView(request, deps, 'operators');
    const form = formFields(request.body);
    const role = form.role ?? '';
    const branch = form.branch?.trim() || null;
    const error = roleError(v, role, branch);
    if (error) return show(request, reply, { invite: { role, branch: form.branch ?? '', error } }, 400);
    // The chat's invite: a one-time code for /admin, 24 hours, audited.
    const { code, expiresAt } = await admin.inviteOperator(v.op, role, branch);
    return show(request, reply, { invited: { code, role, branch, expiresAt } });
  });

  app.post('/operators/:id/role', { schema: FORM }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await allowedView(request, deps, 'operators', params.data.id);
    const form = formFields(request.body);
    const role = form.role ?? '';
    const branch = form.branch?.trim() || null;
    if (params.data.id === v.op.id) return show(request, reply, { error: v.t('panel_pages.operators.not_self') }, 422);
    const error = roleError(v, role, branch);
    if (error) return show(request, reply, { error }, 400);
    if (!(await operatorStore.setRole(v.op.merchantId, params.data.id, role, branch))) return reply.callNotFound();
    await auditChange(deps, v.op, 'operators.role', params.data.id, { role, branch });
    return reply.redirect('/panel/operators?done=1', 303);
  });

  app.post('/operators/:id/remove', { schema: FORM }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await allowedView(request, deps, 'operators', params.data.id);
    if (params.data.id === v.op.id) return show(request, reply, { error: v.t('panel_pages.operators.not_self') }, 422);
    if (!(await operatorStore.disable(v.op.merchantId, params.data.id))) return reply.callNotFound();
    await auditChange(deps, v.op, 'operators.remove', params.data.id);
    return reply.redirect('/panel/operators?done=1', 303);
  });
}
