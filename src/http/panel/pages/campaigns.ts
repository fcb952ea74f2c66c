import type { FastifyInstance, FastifyRequest } from 'fastify';
import { campaignInputSchema } from '../../../domain/campaigns/campaign-schemas.js';
import { segmentSchema } from '../../../domain/campaigns/segments.js';
import { isDomainError } from '../../../domain/errors.js';
import { campaignMessageScreen } from '../../../chat/screens/campaign-screens.js';
import { FORM } from '../deps.js';
import { html, type Html } from '../html.js';
import { section, table } from '../components.js';
import { csrfField, panelPage } from '../layout.js';
import { allowedView, sendHtml, type PagesDeps } from '../page-kit.js';
import type { PanelView } from '../view.js';
import { issuesByField } from '../forms/zod-issues.js';
import { campaignFromForm, composerText, scheduleFromForm, segmentFromForm, type ComposerForm } from '../forms/campaign-form.js';
import { broadcastPages } from './broadcast.js';

const body = (request: FastifyRequest) => (request.body ?? {}) as ComposerForm;
const val = (form: ComposerForm | undefined, name: string) => (form ? composerText(form, name) : '');

function segmentFields(v: PanelView, tiers: string[], form?: ComposerForm): Html {
  const t = v.t;
  const chosen = new Set(form ? [form.seg_tiers].flat().filter((x): x is string => typeof x === 'string') : ([] as string[]));
  const select = (name: string, options: string[]) =>
    html`<select id="${name}" name="${name}">
      <option value="">${t('panel_pages.campaigns.any')}</option>
      ${options.map((o) => html`<option value="${o}" ${val(form, name) === o ? html`selected` : ''}>${t(`panel_pages.campaigns.${name}_${o}`)}</option>`)}
    </select>`;
  const input = (name: string, mode = 'numeric') =>
    html`<input id="${name}" name="${name}" value="${val(form, name)}" inputmode="${mode}" autocomplete="off" />`;
  return html`<fieldset
    class="segment"
    hx-post="/panel/campaigns/segment-count"
    hx-trigger="load, change, input delay:300ms"
    hx-target="#segment-count"
  >
    <legend>${t('panel_pages.campaigns.segment')}</legend>
    <div class="fields">
      <div class="field">
        <span class="label">${t('panel_pages.campaigns.tiers')}</span>
        ${tiers.map(
          (k) =>
            html`<label
              ><input type="checkbox" name="seg_tiers" value="${k}" ${chosen.has(k) ? html`checked` : ''} /> ${v.tierName(k)}</label
            >`,
        )}
      </div>
      <div class="field"><label for="seg_tags">${t('panel_pages.campaigns.tags')}</label>${input('seg_tags', 'text')}</div>
      <div class="field"><label for="seg_inactiveDays">${t('panel_pages.campaigns.inactive_days')}</label>${input('seg_inactiveDays')}</div>
      <div class="field"><label for="seg_minPoints">${t('panel_pages.campaigns.min_points')}</label>${input('seg_minPoints')}</div>
      <div class="field"><label for="seg_minSpend">${t('panel_pages.campaigns.min_spend')}</label>${input('seg_minSpend')}</div>
      <div class="field">
        <label for="seg_joinedFrom">${t('panel_pages.campaigns.joined_from')}</label>${input('seg_joinedFrom', 'numeric')}
      </div>
      <div class="field">
        <label for="seg_channel">${t('panel_pages.campaigns.channel')}</label>${select('seg_channel', ['telegram', 'whatsapp'])}
      </div>
      <div class="field">
        <label for="seg_birthday">${t('panel_pages.campaigns.birthday')}</label>${select('seg_birthday', ['week', 'month'])}
      </div>
    </div>
    <p id="segment-count" class="count" role="status" aria-live="polite"></p>
  </fieldset>`;
}

function composer(v: PanelView, tiers: string[], opts: { form?: ComposerForm; errors?: Map<string, string> } = {}): Html {
  const t = v.t;
  const { form, errors } = opts;
  const err = (name: string) => {
    const e = errors?.get(name);
    return e ? html`<span class="error field-error" id="${name}-error">${e}</span>` : '';
  };
  const later = val(form, 'when') === 'later';
  return html`<form method="post" action="/panel/campaigns" class="stack composer" novalidate>
    ${csrfField(v)} ${errors?.size ? html`<p class="error" role="alert">${t('panel_pages.settings.fix')}</p>` : ''} ${err('')}
    <div class="field">
      <label for="name">${t('panel_pages.campaigns.name')}</label>
      <input id="name" name="name" value="${val(form, 'name')}" maxlength="120" autocomplete="off" />${err('name')}
    </div>
    ${segmentFields(v, tiers, form)}
    <div class="field">
      <label for="text">${t('panel_pages.campaigns.text')}</label>
      <p class="muted" id="text-hint">${t('panel_pages.campaigns.text_hint')}</p>
      <textarea
        id="text"
        name="text"
        rows="4"
        maxlength="3500"
        aria-describedby="text-hint"
        hx-post="/panel/campaigns/preview"
        hx-trigger="load, input changed delay:300ms"
        hx-target="#preview"
      >
${val(form, 'text')}</textarea
      >${err('message.text')}
    </div>
    <section id="preview" class="preview" aria-live="polite" aria-label="${t('panel_pages.campaigns.preview')}"></section>
    <div class="field">
      <label for="holdoutPercent">${t('panel_pages.campaigns.holdout')}</label>
      <input id="holdoutPercent" name="holdoutPercent" value="${val(form, 'holdoutPercent')}" inputmode="numeric" autocomplete="off" />
      ${err('holdoutPercent')}
    </div>
    <fieldset>
      <legend>${t('panel_pages.campaigns.when')}</legend>
      <label><input type="radio" name="when" value="now" ${later ? '' : html`checked`} /> ${t('panel_pages.campaigns.now')}</label>
      <label><input type="radio" name="when" value="later" ${later ? html`checked` : ''} /> ${t('panel_pages.campaigns.later')}</label>
      <label for="date">${t('panel_pages.campaigns.date')}</label>
      <input id="date" name="date" value="${val(form, 'date')}" placeholder="۱۴۰۵/۰۹/۲۰" inputmode="numeric" autocomplete="off" />
      <label for="time">${t('panel_pages.campaigns.time')}</label>
      <input id="time" name="time" value="${val(form, 'time')}" placeholder="۱۸:۳۰" inputmode="numeric" autocomplete="off" />
      ${err('scheduleAt')}
    </fieldset>
    <button type="submit" class="primary">${t('panel_pages.campaigns.send')}</button>
  </form>`;
}

async function countText(deps: PagesDeps, v: PanelView, form: ComposerForm): Promise<Html> {
  const t = v.t;
  const parsed = segmentSchema.safeParse(segmentFromForm(form));
  if (!parsed.success) {
    const [, text] = [...issuesByField(parsed.error.issues, new Set(), v)][0]!;
    return html`<span class="error">${text}</span>`;
  }
  const c = await deps.services.admin.countSegment(v.op, segmentFromForm(form));
  return html`${t('panel_pages.campaigns.count', {
    members: v.num(c.members),
    reachable: v.num(c.reachable),
    telegram: v.num(c.telegram),
    whatsapp: v.num(c.whatsapp),
  })}`;
}

/** The message as a named and a nameless member get it: the bot's own rendering of the placeholders. */
async function preview(deps: PagesDeps, v: PanelView, text: string): Promise<Html> {
  const t = v.t;
  if (!text) return html`<p class="muted">${t('panel_pages.campaigns.preview_empty')}</p>`;
  const c = await deps.screens.context(v.op.merchantId, v.locale);
  const message = { text };
  const named = campaignMessageScreen(
    message,
    { firstName: t('panel_pages.campaigns.sample_name'), points: 1250, coins: 40 },
    { clubLink: null },
    c,
  );
  const nameless = campaignMessageScreen(message, { firstName: null, points: 1250, coins: 40 }, { clubLink: null }, c);
  return html`<div class="columns">
    <div class="bubble" data-preview="named">
      <span class="muted">${t('panel_pages.campaigns.preview_named', { name: t('panel_pages.campaigns.sample_name') })}</span>
      <p>${named.text}</p>
    </div>
    <div class="bubble" data-preview="nameless">
      <span class="muted">${t('panel_pages.campaigns.preview_nameless')}</span>
      <p>${nameless.text}</p>
    </div>
  </div>`;
}

const composerFields = new Set(['name', 'message.text', 'holdoutPercent', 'scheduleAt']);

/** Campaigns and broadcasts (managers and owners, as in chat): the list, the composer, a campaign's progress and KPIs. */
export async function campaignPages(app: FastifyInstance, deps: PagesDeps) {
  const { admin, campaigns, broadcasts } = deps.services;
  const tiersOf = (merchantId: string) => deps.services.settings.get(merchantId).then((s) => s.tiers.levels.map((l) => l.key));

  app.get('/campaigns', async (request, reply) => {
    const v = await allowedView(request, deps, 'campaigns');
    const t = v.t;
    const list = await campaigns.list(v.op.merchantId, 50);
    const rows = await Promise.all(
      list.map(async (c) => {
        const b = c.kind === 'multiplier' ? null : await broadcasts.forCampaign(v.op.merchantId, c.id);
        return [
          html`<a href="/panel/campaigns/${c.id}">${c.name}</a>`,
          t(`panel_pages.campaigns.kind.${c.kind}`),
          b ? t(`panel_pages.broadcast.status.${b.status}`) : '—',
          v.dateTime(c.createdAt),
        ];
      }),
    );
    const page = html`<p><a class="button primary" href="/panel/campaigns/new">${t('panel_pages.campaigns.new')}</a></p>
      ${section(
        'campaign-list',
        t('panel_pages.campaigns.list'),
        list.length
          ? table(
              ['name', 'kind', 'status', 'created'].map((k) => t(`panel_pages.campaigns.col.${k}`)),
              rows,
            )
          : html`<p class="muted">${t('panel_pages.campaigns.none')}</p>`,
      )}`;
    return sendHtml(reply, panelPage(v, t('panel_pages.nav.campaigns'), page));
  });

  app.get('/campaigns/new', async (request, reply) => {
    const v = await allowedView(request, deps, 'campaigns');
    const page = section('composer', v.t('panel_pages.campaigns.compose'), composer(v, await tiersOf(v.op.merchantId)));
    return sendHtml(reply, panelPage(v, v.t('panel_pages.campaigns.new'), page));
  });

  app.post('/campaigns/segment-count', { schema: FORM }, async (request, reply) => {
    const v = await allowedView(request, deps, 'campaigns');
    return sendHtml(reply, await countText(deps, v, body(request)));
  });

  app.post('/campaigns/preview', { schema: FORM }, async (request, reply) => {
    const v = await allowedView(request, deps, 'campaigns');
    return sendHtml(reply, await preview(deps, v, composerText(body(request), 'text')));
  });

  app.post('/campaigns', { schema: FORM }, async (request, reply) => {
    const v = await allowedView(request, deps, 'campaigns');
    const form = body(request);
    const again = async (errors: Map<string, string>) => {
      const page = section('composer', v.t('panel_pages.campaigns.compose'), composer(v, await tiersOf(v.op.merchantId), { form, errors }));
      return sendHtml(reply, panelPage(v, v.t('panel_pages.campaigns.new'), page), 400);
    };
    // Every mistake at once: a time that makes no moment is named beside the schema's findings, not instead of them.
    const schedule = scheduleFromForm(form);
    const input = campaignFromForm(form, schedule.at);
    const parsed = campaignInputSchema.safeParse(input);
    const errors = parsed.success ? new Map<string, string>() : issuesByField(parsed.error.issues, composerFields, v);
    if (schedule.bad) errors.set('scheduleAt', v.t('panel_pages.campaigns.bad_schedule'));
    if (errors.size) return again(errors);
    const seg = segmentSchema.safeParse(input.segment);
    if (!seg.success) return again(new Map([['', [...issuesByField(seg.error.issues, new Set(), v).values()][0]!]]));
    try {
      const out = await admin.createCampaign(v.op, input);
      return reply.redirect(`/panel/campaigns/${out.campaign.id}`, 303);
    } catch (err) {
      if (isDomainError(err, 'schedule_in_past')) return again(new Map([['scheduleAt', v.t('panel_pages.campaigns.schedule_in_past')]]));
      throw err;
    }
  });

  await broadcastPages(app, deps);
}
