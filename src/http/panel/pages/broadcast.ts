import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CampaignKpis, CampaignOutcome } from '../../../domain/campaigns/campaign-service.js';
import { FORM } from '../deps.js';
import { html, type Html } from '../html.js';
import { section, table, type TableRow } from '../components.js';
import { csrfField, panelPage } from '../layout.js';
import { allowedView, facts, sendHtml, type PagesDeps } from '../page-kit.js';
import type { PanelView } from '../view.js';

type Status = Awaited<ReturnType<PagesDeps['services']['broadcasts']['status']>>;

const idParams = z.object({ id: z.uuid() });
const controlParams = z.object({ id: z.uuid(), action: z.enum(['pause', 'resume', 'cancel']) });
const LIVE = new Set(['scheduled', 'enqueuing', 'sending', 'paused']);

/** The broadcast's progress; while it runs, htmx asks for it again every two seconds (a paused or scheduled one every 15). */
function progress(v: PanelView, campaignId: string, s: Status): Html {
  const t = v.t;
  const c = s.counts;
  const done = c.sent + c.failed + c.blocked + c.unknown + c.skipped + c.cancelled;
  const total = Math.max(s.recipients, 1);
  const running = s.status === 'sending' || s.status === 'enqueuing' || (s.status === 'scheduled' && !s.scheduleAt);
  const control = (action: 'pause' | 'resume' | 'cancel') =>
    html`<form method="post" action="/panel/campaigns/${campaignId}/broadcast/${action}">
      ${csrfField(v)}<button type="submit" ${action === 'cancel' ? html`class="danger"` : ''}>
        ${t(`panel_pages.broadcast.${action}`)}
      </button>
    </form>`;
  return html`<div
    id="progress"
    data-status="${s.status}"
    ${
      LIVE.has(s.status)
        ? html`hx-get="/panel/campaigns/${campaignId}/progress" hx-trigger="every ${running ? 2 : 15}s" hx-swap="outerHTML"`
        : ''
    }
  >
    <p>
      <strong>${t(`panel_pages.broadcast.status.${s.status}`)}</strong>
      ${s.status === 'scheduled' && s.scheduleAt ? html` — ${v.dateTime(s.scheduleAt)}` : ''}
    </p>
    <progress max="${total}" value="${Math.min(done, total)}" aria-label="${t('panel_pages.broadcast.progress')}"></progress>
    <p class="sent" role="status">
      ${t('panel_pages.broadcast.counts', {
        sent: v.num(c.sent),
        total: v.num(s.recipients),
        failed: v.num(c.failed + c.blocked + c.unknown),
        held: v.num(s.heldOut),
      })}
      ${running && s.remaining ? html` — ${t('panel_pages.broadcast.eta', { s: v.num(s.etaSeconds) })}` : ''}
    </p>
    ${
      v.can('campaigns') && LIVE.has(s.status)
        ? html`<div class="actions">${s.status === 'paused' ? control('resume') : control('pause')} ${control('cancel')}</div>`
        : ''
    }
  </div>`;
}

function outcomeRow(v: PanelView, label: string, o: CampaignOutcome): TableRow {
  return [
    { content: label, rowHeader: true },
    v.num(o.members),
    v.num(o.buyers),
    `${v.dec(Math.round(o.conversion * 1000) / 10)}٪`,
    v.money(o.revenue),
  ];
}

function kpis(v: PanelView, k: CampaignKpis): Html {
  const t = v.t;
  return html`${table(
      ['group', 'members', 'buyers', 'conversion', 'revenue'].map((x) => t(`panel_pages.kpi.${x}`)),
      [outcomeRow(v, t('panel_pages.kpi.recipients'), k.recipients), outcomeRow(v, t('panel_pages.kpi.holdout'), k.holdout)],
    )}
    <p data-kpi="lift">
      ${t('panel_pages.kpi.lift')}:
      <strong>${k.liftPoints === null ? t('panel_pages.kpi.no_lift') : t('panel_pages.kpi.lift_value', { n: v.dec(k.liftPoints) })}</strong>
      — ${t('panel_pages.kpi.clicks', { n: v.num(k.clicks) })}
    </p>`;
}

/** A campaign's page: its broadcast's live progress with pause, resume and cancel, and its KPIs against the holdout. */
export async function broadcastPages(app: FastifyInstance, deps: PagesDeps) {
  const { admin, campaigns, broadcasts } = deps.services;
  const statusOf = async (v: PanelView, campaignId: string) => {
    const b = await broadcasts.forCampaign(v.op.merchantId, campaignId);
    return b ? ((await admin.broadcastControl(v.op, b.id, 'status')) as Status) : null;
  };

  app.get('/campaigns/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await allowedView(request, deps, 'campaigns', params.data.id);
    const t = v.t;
    const campaign = await campaigns.get(v.op.merchantId, params.data.id);
    const status = await statusOf(v, campaign.id);
    const k = await campaigns.kpis(v.op.merchantId, campaign.id, status, status?.counts ?? null);
    const about = html`${facts([
      [t('panel_pages.campaigns.col.kind'), t(`panel_pages.campaigns.kind.${campaign.kind}`)],
      [t('panel_pages.campaigns.col.created'), v.dateTime(campaign.createdAt)],
      [t('panel_pages.campaigns.holdout'), `${v.num(campaign.holdoutPercent)}٪`],
    ])}
    ${campaign.message ? html`<p class="bubble">${campaign.message.text}</p>` : ''}`;
    const page = html`${section('facts-h', t('panel_pages.campaigns.about'), about)}
    ${status ? section('progress-h', t('panel_pages.broadcast.progress'), progress(v, campaign.id, status)) : ''}
    ${section('kpi-h', t('panel_pages.kpi.title'), kpis(v, k))}`;
    return sendHtml(reply, panelPage(v, campaign.name, page));
  });

  app.get('/campaigns/:id/progress', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await allowedView(request, deps, 'campaigns', params.data.id);
    const status = await statusOf(v, params.data.id);
    if (!status) return reply.callNotFound();
    return sendHtml(reply, progress(v, params.data.id, status));
  });

  app.post('/campaigns/:id/broadcast/:action', { schema: FORM }, async (request, reply) => {
    const params = controlParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const { id, action } = params.data;
    const v = await allowedView(request, deps, 'campaigns', id);
    const b = await broadcasts.forCampaign(v.op.merchantId, id);
    if (!b) return reply.callNotFound();
    // AdminService audits the action (broadcasts.pause / resume / cancel) as when done from chat.
    await admin.broadcastControl(v.op, b.id, action);
    return reply.redirect(`/panel/campaigns/${id}`, 303);
  });
}
