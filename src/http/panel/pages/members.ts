import type { FastifyInstance } from 'fastify';
import type { Member } from '../../../domain/members/types.js';
import type { PanelDeps } from '../deps.js';
import { html } from '../html.js';
import { table } from '../components.js';
import { panelPage } from '../layout.js';
import { panelView, type PanelView } from '../view.js';
import { memberCardPages } from './member-card.js';

export const memberName = (m: Pick<Member, 'firstName' | 'lastName'>, v: PanelView) =>
  [m.firstName, m.lastName].filter(Boolean).join(' ') || v.t('panel.members.no_name');

function results(v: PanelView, q: string, found: Member[]) {
  const t = v.t;
  if (!q) return html`<p class="muted">${t('panel.members.hint')}</p>`;
  if (!found.length) return html`<p role="status">${t('panel.members.none')}</p>`;
  return html`<p role="status" class="muted">${t('panel.members.found', { n: v.num(found.length) })}</p>
    ${table(
      [
        t('panel.members.name'),
        t('panel.members.phone'),
        t('panel.members.code'),
        t('panel.members.tier'),
        t('currency.points'),
        t('panel.members.joined'),
      ],
      found.map((m) => [
        html`<a href="/panel/members/${m.id}">${memberName(m, v)}</a>
          ${m.status !== 'active' ? html`<span class="badge">${t(`panel.members.status.${m.status}`)}</span>` : ''}`,
        v.phone(m.phone),
        { content: m.memberCode, dir: 'ltr' },
        v.tierName(m.tier),
        v.num(m.balances.points),
        m.joinedAt ? v.date(m.joinedAt) : '—',
      ]),
    )}`;
}

export async function memberPages(app: FastifyInstance, deps: PanelDeps) {
  app.get<{ Querystring: { q?: string } }>('/members', async (request, reply) => {
    const v = await panelView(request, deps.screens, deps.locale);
    const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 100) : '';
    const found = await deps.panel.searchMembers(v.op, q);
    reply.type('text/html; charset=utf-8');
    // htmx asks for the results only while the operator types.
    if (request.headers['hx-request']) return results(v, q, found).value;
    const t = v.t;
    const body = html`<form method="get" action="/panel/members" role="search" class="search">
        <label for="q">${t('panel.members.search_label')}</label>
        <input
          id="q"
          name="q"
          type="search"
          value="${q}"
          autocomplete="off"
          placeholder="${t('panel.members.search_placeholder')}"
          hx-get="/panel/members"
          hx-trigger="input changed delay:300ms, search"
          hx-target="#results"
        />
        <button type="submit">${t('panel.members.search')}</button>
      </form>
      <section id="results" aria-live="polite">${results(v, q, found)}</section>`;
    return panelPage(v, t('panel.nav.members'), body).value;
  });
  await memberCardPages(app, deps);
}
