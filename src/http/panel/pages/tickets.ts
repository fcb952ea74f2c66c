import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { jalaliMonthRange } from '../../../lib/jalali.js';
import { isDomainError } from '../../../domain/errors.js';
import type { Ticket } from '../../../domain/feedback/types.js';
import { FORM } from '../deps.js';
import { html, type Html } from '../html.js';
import { section, table } from '../components.js';
import { csrfField, panelPage } from '../layout.js';
import { allowedView, auditChange, facts, formFields, sendHtml, type PagesDeps } from '../page-kit.js';
import type { PanelView } from '../view.js';
import { memberName } from './members.js';

const idParams = z.object({ id: z.uuid() });
const MINUTE = 60_000;

/** How long a ticket waited for its first answer (or has been waiting), in the largest fitting unit. */
function waited(v: PanelView, ticket: Ticket, now: Date): string {
  const minutes = Math.max(0, Math.round(((ticket.firstResponseAt ?? now).getTime() - ticket.createdAt.getTime()) / MINUTE));
  if (minutes < 60) return v.t('panel_pages.tickets.minutes', { n: v.num(minutes) });
  if (minutes < 48 * 60) return v.t('panel_pages.tickets.hours', { n: v.num(Math.round(minutes / 60)) });
  return v.t('panel_pages.tickets.days', { n: v.num(Math.round(minutes / 1440)) });
}

function slaLine(v: PanelView, sla: Awaited<ReturnType<PagesDeps['services']['tickets']['sla']>>): Html {
  const t = v.t;
  return html`<p data-sla>
    ${t('panel_pages.tickets.sla', {
      opened: v.num(sla.opened),
      answered: v.num(sla.answered),
      median: sla.medianMinutes === null ? '—' : v.num(sla.medianMinutes),
      average: sla.averageMinutes === null ? '—' : v.num(sla.averageMinutes),
    })}
  </p>`;
}

/** Support tickets (managers and owners, as in chat): the inbox with first-response times, a ticket, the reply that reaches the member in chat. */
export async function ticketPages(app: FastifyInstance, deps: PagesDeps) {
  const { tickets, members } = deps.services;

  app.get('/tickets', async (request, reply) => {
    const v = await allowedView(request, deps, 'tickets');
    const t = v.t;
    const now = deps.clock.now();
    const month = jalaliMonthRange(now);
    const [open, sla] = await Promise.all([
      tickets.listOpen(v.op.merchantId, v.op.branch, 100),
      tickets.sla(v.op.merchantId, month.from, now),
    ]);
    const rows = await Promise.all(
      open.map(async (k) => {
        const m = await members.get(v.op.merchantId, k.memberId);
        return [
          html`<a href="/panel/tickets/${k.id}">#${v.num(k.number)}</a>`,
          memberName(m, v),
          t(`support.category.${k.category}`, { defaultValue: k.category }),
          t(`support.status.${k.status}`),
          v.dateTime(k.createdAt),
          k.firstResponseAt ? waited(v, k, now) : html`<span class="badge warn">${waited(v, k, now)}</span>`,
        ];
      }),
    );
    const body = html`${section('sla-h', t('panel_pages.tickets.sla_title'), slaLine(v, sla))}
    ${section(
      'inbox-h',
      t('panel_pages.tickets.inbox'),
      open.length
        ? table(
            ['number', 'member', 'category', 'status', 'opened', 'first_response'].map((k) => t(`panel_pages.tickets.col.${k}`)),
            rows,
          )
        : html`<p class="muted">${t('panel_pages.tickets.none')}</p>`,
    )}`;
    return sendHtml(reply, panelPage(v, t('panel_pages.nav.tickets'), body));
  });

  const ticketPage = async (v: PanelView, id: string, opts: { error?: string; replied?: boolean } = {}) => {
    const t = v.t;
    const { ticket, messages } = await tickets.get(v.op.merchantId, id);
    const m = await members.get(v.op.merchantId, ticket.memberId);
    const thread = html`<ol class="thread plain">
      ${messages.map(
        (msg) =>
          html`<li class="${msg.author}">
            <span class="muted">${t(`panel_pages.tickets.author.${msg.author}`)} — ${v.dateTime(msg.createdAt)}</span>
            <p>${msg.text}</p>
          </li>`,
      )}
    </ol>`;
    const form =
      ticket.status === 'closed'
        ? html`<p class="muted">${t('panel_pages.tickets.closed')}</p>`
        : html`<form method="post" action="/panel/tickets/${ticket.id}/reply" class="stack">
              ${csrfField(v)} ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
              <label for="text">${t('panel_pages.tickets.reply')}</label>
              <textarea id="text" name="text" rows="4" maxlength="2000" required></textarea>
              <button type="submit" class="primary">${t('panel_pages.tickets.send')}</button>
            </form>
            <form method="post" action="/panel/tickets/${ticket.id}/close">
              ${csrfField(v)}<button type="submit">${t('panel_pages.tickets.close')}</button>
            </form>`;
    const head = facts([
      [t('panel_pages.tickets.col.member'), html`<a href="/panel/members/${m.id}">${memberName(m, v)}</a>`],
      [t('panel_pages.tickets.col.category'), t(`support.category.${ticket.category}`, { defaultValue: ticket.category })],
      [t('panel_pages.tickets.col.status'), t(`support.status.${ticket.status}`)],
      [t('panel_pages.tickets.col.opened'), v.dateTime(ticket.createdAt)],
      [t('panel_pages.tickets.col.first_response'), waited(v, ticket, deps.clock.now())],
    ]);
    const body = html`${opts.replied ? html`<p class="ok" role="status">${t('panel_pages.tickets.replied')}</p>` : ''}
    ${section('ticket-h', t('panel_pages.tickets.about'), head)} ${section('thread-h', t('panel_pages.tickets.thread'), thread)}
    ${section('reply-h', t('panel_pages.tickets.reply'), form)}`;
    return panelPage(v, t('panel_pages.tickets.title', { n: v.num(ticket.number) }), body);
  };

  app.get('/tickets/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await allowedView(request, deps, 'tickets', params.data.id);
    const replied = (request.query as Record<string, unknown>).replied === '1';
    return sendHtml(reply, await ticketPage(v, params.data.id, { replied }));
  });

  app.post('/tickets/:id/reply', { schema: FORM }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const id = params.data.id;
    const v = await allowedView(request, deps, 'tickets', id);
    const text = formFields(request.body).text?.trim() ?? '';
    if (!text) return sendHtml(reply, await ticketPage(v, id, { error: v.t('panel_pages.tickets.empty') }), 400);
    try {
      // The same staff reply as admin mode's: the member is told in chat through the outbox.
      await tickets.staffReply(v.op.merchantId, v.op.id, id, text);
    } catch (err) {
      if (isDomainError(err, 'ticket_closed')) return sendHtml(reply, await ticketPage(v, id, { error: v.t('support.is_closed') }), 422);
      throw err;
    }
    await auditChange(deps, v.op, 'tickets.reply', id);
    return reply.redirect(`/panel/tickets/${id}?replied=1`, 303);
  });

  app.post('/tickets/:id/close', { schema: FORM }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await allowedView(request, deps, 'tickets', params.data.id);
    await tickets.close(v.op.merchantId, params.data.id, 'staff');
    await auditChange(deps, v.op, 'tickets.close', params.data.id);
    return reply.redirect(`/panel/tickets/${params.data.id}`, 303);
  });
}
