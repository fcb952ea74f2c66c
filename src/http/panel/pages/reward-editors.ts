import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { giftInputSchema, type Gift } from '../../../domain/rewards/gift-service.js';
import { raffleInputSchema } from '../../../domain/rewards/raffle-service.js';
import { campaignInputSchema } from '../../../domain/rewards/voucher-service.js';
import { isDomainError } from '../../../domain/errors.js';
import { FORM } from '../deps.js';
import { html, type Html } from '../html.js';
import { section } from '../components.js';
import { csrfField, panelPage } from '../layout.js';
import { allowedView, auditChange, formFields, formValues, sendHtml, type PagesDeps } from '../page-kit.js';
import type { PanelView } from '../view.js';
import { fieldInput, getPath, shownValue, type Field } from '../forms/fields.js';
import { issuesByField } from '../forms/zod-issues.js';
import {
  giftFields,
  giftFromForm,
  giftMoreFields,
  onFormRows,
  raffleFields,
  raffleFromForm,
  voucherFields,
  voucherFromForm,
} from '../forms/reward-forms.js';

type Typed = Record<string, string>;
interface FormState {
  typed?: Typed;
  /** The tiers ticked in what was typed (a repeated field, which `typed` keeps one of). */
  tiers?: string[];
  errors?: Map<string, string>;
}

const idParams = z.object({ id: z.uuid() });
const names = (fields: readonly Field[], ...more: string[]) => new Set([...fields.map((f) => f.name), ...more]);

/** Labelled inputs showing what was typed (after an error) or what is stored, each with its error. */
function inputs(
  v: PanelView,
  prefix: string,
  fields: readonly Field[],
  stored: unknown,
  state: FormState,
  errorOf = (name: string) => name,
) {
  return html`<div class="fields">
    ${fields.map((f) =>
      fieldInput(
        f,
        `${prefix}-${f.name.replaceAll('.', '-')}`,
        shownValue(f, getPath(stored, f.name), state.typed, v),
        state.typed ? state.typed[f.name] === 'on' : getPath(stored, f.name) === true,
        state.errors?.get(errorOf(f.name)),
        v,
      ),
    )}
  </div>`;
}

/** A checkbox per tier (named as the club names it); none ticked is every tier. */
function tierChoices(v: PanelView, tiers: readonly string[], chosen: ReadonlySet<string>, error: string | undefined): Html {
  const describedBy = error ? 'gift-tiers-hint gift-tiers-error' : 'gift-tiers-hint';
  return html`<fieldset class="choices" aria-describedby="${describedBy}">
    <legend>${v.t('panel_pages.gifts.field.tiers')}</legend>
    <span class="muted" id="gift-tiers-hint">${v.t('panel_pages.gifts.field.tiers_hint')}</span>
    ${tiers.map(
      (k) =>
        html`<label
          ><input
            type="checkbox"
            id="gift-tiers-${k}"
            name="tiers"
            value="${k}"
            ${chosen.has(k) ? html`checked` : ''}${error ? html` aria-invalid="true"` : ''}
          />
          ${v.tierName(k)}</label
        >`,
    )}
    ${error ? html`<span class="error field-error" id="gift-tiers-error">${error}</span>` : ''}
  </fieldset>`;
}

function editor(v: PanelView, action: string, state: FormState, body: Html, submit: string): Html {
  const top = state.errors?.get('');
  return html`<form method="post" action="${action}" class="stack" novalidate>
    ${csrfField(v)} ${state.errors?.size ? html`<p class="error" role="alert">${v.t('panel_pages.settings.fix')}</p>` : ''}
    ${top ? html`<p class="error">${top}</p>` : ''} ${body}
    <div class="actions">
      <button type="submit" class="primary">${submit}</button>
      <a href="/panel/rewards">${v.t('panel_pages.rewards.back')}</a>
    </div>
  </form>`;
}

/**
 * Creating and editing gifts, voucher campaigns and raffles. The gift catalog is the club's
 * configuration, like the wheel: owners only. Voucher campaigns and raffles are campaigns, which
 * managers run as well (as in chat). AdminService audits a refusal. Each form is judged by the
 * domain's own schema, its issues said in Persian next to their fields; the domain service then
 * saves it, and the change is audited.
 */
export async function rewardEditorPages(app: FastifyInstance, deps: PagesDeps) {
  const { gifts, vouchers, raffles } = deps.services;
  const configure = (request: FastifyRequest, target: string) => allowedView(request, deps, 'settings', target);
  const runCampaign = (request: FastifyRequest, target: string) => allowedView(request, deps, 'campaigns', target);

  /** The tiers a gift may be limited to: the club's, and any the gift names that the club has since dropped. */
  const tierKeys = async (merchantId: string, gift: Gift | null) => {
    const club = (await deps.services.settings.get(merchantId)).tiers.levels.map((l) => l.key);
    return [...club, ...(gift?.tiers ?? []).filter((k) => !club.includes(k))];
  };

  // Gifts: a new one, or one of the catalog to change (also on or off). Who may see it (tiers,
  // days) and its place in the catalog are under "more options", open when one of them is set.
  const giftPage = (v: PanelView, gift: Gift | null, tiers: readonly string[], state: FormState = {}) => {
    const action = gift ? `/panel/rewards/gifts/${gift.id}` : '/panel/rewards/gifts';
    const stored = gift ?? { active: true, costCurrency: 'coins' };
    const more = giftMoreFields();
    // Stored days as the Jalali days typed; the default position (0) as an empty input.
    const storedMore = {
      visibleFrom: gift?.visibleFrom ? v.date(gift.visibleFrom) : null,
      visibleTo: gift?.visibleTo ? v.date(gift.visibleTo) : null,
      position: gift?.position || null,
    };
    const chosen = new Set(state.typed ? (state.tiers ?? []) : (gift?.tiers ?? []));
    const open =
      chosen.size > 0 ||
      [...more.map((f) => f.name), 'tiers'].some((n) => state.errors?.has(n)) ||
      more.some((f) => shownValue(f, getPath(storedMore, f.name), state.typed, v).trim() !== '');
    const body = html`${inputs(v, 'gift', giftFields(v.t), stored, state)}
      <details class="more" ${open ? html`open` : ''}>
        <summary>${v.t('panel_pages.gifts.more')}</summary>
        ${tierChoices(v, tiers, chosen, state.errors?.get('tiers'))} ${inputs(v, 'gift', more, storedMore, state)}
      </details>`;
    const title = gift ? v.t('panel_pages.gifts.edit', { title: gift.title }) : v.t('panel_pages.gifts.new');
    return panelPage(v, title, section('gift-h', title, editor(v, action, state, body, v.t('panel_pages.gifts.save'))));
  };

  /**
   * Creates or changes the gift; on bad input, the form again (400) with what was typed and the
   * errors: the schema's, a day that does not exist, a window that ends before it starts, a tier
   * the club does not have.
   */
  const saveGift = async (request: FastifyRequest, reply: FastifyReply, v: PanelView, gift: Gift | null) => {
    const typed = formFields(request.body);
    const ticked = formValues(request.body, 'tiers');
    const tiers = await tierKeys(v.op.merchantId, gift);
    const { input, days } = giftFromForm(
      typed,
      tiers.filter((k) => ticked.includes(k)),
      gift,
    );
    const parsed = giftInputSchema.safeParse(input);
    const known = names([...giftFields(v.t), ...giftMoreFields()], 'tiers');
    const errors = parsed.success ? new Map<string, string>() : issuesByField(parsed.error.issues, known, v);
    if (ticked.some((k) => !tiers.includes(k))) errors.set('tiers', v.t('panel_pages.issue.choose'));
    for (const f of ['visibleFrom', 'visibleTo'] as const) if (days[f] === 'bad') errors.set(f, v.t('panel_pages.gifts.bad_date'));
    const { visibleFrom: from, visibleTo: to } = days;
    if (from instanceof Date && to instanceof Date && to < from) errors.set('visibleTo', v.t('panel_pages.gifts.ends_before_start'));
    if (errors.size) return sendHtml(reply, giftPage(v, gift, tiers, { typed, tiers: ticked, errors }), 400);
    const saved = gift ? await gifts.update(v.op.merchantId, gift.id, input) : await gifts.create(v.op.merchantId, input);
    await auditChange(deps, v.op, gift ? 'gifts.update' : 'gifts.create', saved.id, { title: saved.title, active: saved.active });
    return reply.redirect('/panel/rewards?saved=gift', 303);
  };

  app.get('/rewards/gifts/new', async (request, reply) => {
    const v = await configure(request, 'gifts');
    return sendHtml(reply, giftPage(v, null, await tierKeys(v.op.merchantId, null)));
  });

  app.post('/rewards/gifts', { schema: FORM }, async (request, reply) => {
    const v = await configure(request, 'gifts');
    return saveGift(request, reply, v, null);
  });

  app.get('/rewards/gifts/:id', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await configure(request, params.data.id);
    const gift = await gifts.get(v.op.merchantId, params.data.id);
    return sendHtml(reply, giftPage(v, gift, await tierKeys(v.op.merchantId, gift)));
  });

  app.post('/rewards/gifts/:id', { schema: FORM }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await configure(request, params.data.id);
    return saveGift(request, reply, v, await gifts.get(v.op.merchantId, params.data.id));
  });

  /** An on/off button's route: the role checked, the change made and audited, back to Rewards. */
  const onOff = (
    path: string,
    allow: typeof configure,
    set: (merchantId: string, id: string, active: boolean) => Promise<{ id: string }>,
    action: string,
    saved: string,
  ) =>
    app.post(`/rewards/${path}/:id/active`, { schema: FORM }, async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.callNotFound();
      const v = await allow(request, params.data.id);
      const active = formFields(request.body).active === 'on';
      const changed = await set(v.op.merchantId, params.data.id, active);
      await auditChange(deps, v.op, action, changed.id, { active });
      return reply.redirect(`/panel/rewards?saved=${saved}`, 303);
    });
  // Members see only active gifts; a paused campaign's codes are refused at the till until it is resumed.
  onOff('gifts', configure, (m, id, active) => gifts.update(m, id, { active }), 'gifts.update', 'gift');
  onOff('vouchers', runCampaign, (m, id, active) => vouchers.updateCampaign(m, id, { active }), 'vouchers.update', 'voucher_state');

  // Voucher campaigns: name, discount, one shared code or single-use codes, the last valid day.
  const voucherPage = (v: PanelView, state: FormState = {}) => {
    const title = v.t('panel_pages.vouchers.new');
    const body = inputs(v, 'voucher', voucherFields(v.t, v.unit), { kind: 'percent', codes: 'unique' }, state);
    return panelPage(
      v,
      title,
      section('voucher-h', title, editor(v, '/panel/rewards/vouchers', state, body, v.t('panel_pages.vouchers.create'))),
    );
  };

  app.get('/rewards/vouchers/new', async (request, reply) => {
    const v = await runCampaign(request, 'vouchers');
    return sendHtml(reply, voucherPage(v));
  });

  app.post('/rewards/vouchers', { schema: FORM }, async (request, reply) => {
    const v = await runCampaign(request, 'vouchers');
    const typed = formFields(request.body);
    const { input, badDate } = voucherFromForm(typed);
    const parsed = campaignInputSchema.safeParse(input);
    const errors = parsed.success ? new Map<string, string>() : issuesByField(parsed.error.issues, names(voucherFields(v.t, v.unit)), v);
    if (badDate) errors.set('validTo', v.t('panel_pages.issue.date'));
    // A campaign whose last day has passed could never be used: surely a typo in the year.
    else if (parsed.success && parsed.data.validTo && parsed.data.validTo < deps.clock.now())
      errors.set('validTo', v.t('panel_pages.vouchers.day_past'));
    if (errors.size) return sendHtml(reply, voucherPage(v, { typed, errors }), 400);
    try {
      const campaign = await vouchers.createCampaign(v.op.merchantId, input);
      await auditChange(deps, v.op, 'vouchers.create', campaign.id, { name: campaign.name, shared: Boolean(campaign.sharedCode) });
    } catch (err) {
      const key = isDomainError(err, 'invalid_code') ? 'bad_code' : isDomainError(err, 'shared_code_taken') ? 'code_taken' : null;
      if (!key) throw err;
      errors.set('sharedCode', v.t(`panel_pages.vouchers.${key}`));
      return sendHtml(reply, voucherPage(v, { typed, errors }), key === 'code_taken' ? 409 : 400);
    }
    return reply.redirect('/panel/rewards?saved=voucher', 303);
  });

  // Raffles: prizes with counts, how tickets are earned, the closing moment in Tehran.
  const rafflePage = (v: PanelView, state: FormState = {}) => {
    const t = v.t;
    const title = t('panel_pages.raffles.new');
    const f = raffleFields(t);
    const stored = { prizes: [{ count: 1 }], entryRule: { kind: 'purchase' } };
    const prizesError = state.errors?.get('prizes');
    const closesError = state.errors?.get('closesAt');
    const body = html`${inputs(v, 'raffle', f.main, stored, state)}
      <fieldset>
        <legend>${t('panel_pages.raffles.prizes')}</legend>
        ${prizesError ? html`<p class="error field-error">${prizesError}</p>` : ''} ${inputs(v, 'raffle', f.prizes, stored, state)}
      </fieldset>
      <fieldset>
        <legend>${t('panel_pages.raffles.tickets')}</legend>
        ${inputs(v, 'raffle', f.entry, stored, state)}
      </fieldset>
      <fieldset>
        <legend>${t('panel_pages.raffles.closes')}</legend>
        ${inputs(v, 'raffle', f.closes, stored, { ...state, errors: closesError ? new Map([['closesDate', closesError]]) : undefined })}
      </fieldset>`;
    return panelPage(
      v,
      title,
      section('raffle-h', title, editor(v, '/panel/rewards/raffles', state, body, t('panel_pages.raffles.create'))),
    );
  };

  app.get('/rewards/raffles/new', async (request, reply) => {
    const v = await runCampaign(request, 'raffles');
    return sendHtml(reply, rafflePage(v));
  });

  app.post('/rewards/raffles', { schema: FORM }, async (request, reply) => {
    const v = await runCampaign(request, 'raffles');
    const typed = formFields(request.body);
    const { input, rows, badDate } = raffleFromForm(typed);
    const parsed = raffleInputSchema.safeParse(input);
    const f = raffleFields(v.t);
    const known = names([...f.main, ...f.prizes, ...f.entry], 'prizes', 'closesAt');
    const errors = parsed.success ? new Map<string, string>() : issuesByField(onFormRows(parsed.error.issues, rows), known, v);
    if (badDate) errors.set('closesAt', v.t('panel_pages.raffles.bad_closes'));
    if (errors.size) return sendHtml(reply, rafflePage(v, { typed, errors }), 400);
    try {
      const raffle = await raffles.create(v.op.merchantId, input);
      await auditChange(deps, v.op, 'raffles.create', raffle.id, { title: raffle.title, closesAt: raffle.closesAt.toISOString() });
    } catch (err) {
      // The schema passed: what the service refuses is a closing moment that is not after now.
      if (!isDomainError(err, 'invalid_raffle')) throw err;
      errors.set('closesAt', v.t('panel_pages.raffles.closes_past'));
      return sendHtml(reply, rafflePage(v, { typed, errors }), 400);
    }
    return reply.redirect('/panel/rewards?saved=raffle', 303);
  });

  // Calling a raffle off: a page that asks first (no script needed), then the cancellation.
  const cancelPage = (v: PanelView, raffle: { id: string; title: string }, error?: string) => {
    const title = v.t('panel_pages.raffles.cancel');
    const body = html`<p>${v.t('panel_pages.raffles.cancel_confirm', { title: raffle.title })}</p>`;
    const state: FormState = error ? { errors: new Map([['', error]]) } : {};
    return panelPage(v, title, section('cancel-h', title, editor(v, `/panel/rewards/raffles/${raffle.id}/cancel`, state, body, title)));
  };

  app.get('/rewards/raffles/:id/cancel', async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await runCampaign(request, params.data.id);
    return sendHtml(reply, cancelPage(v, await raffles.get(v.op.merchantId, params.data.id)));
  });

  app.post('/rewards/raffles/:id/cancel', { schema: FORM }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await runCampaign(request, params.data.id);
    try {
      const raffle = await raffles.cancel(v.op.merchantId, params.data.id, `operator:${v.op.id}`);
      await auditChange(deps, v.op, 'raffles.cancel', raffle.id, { title: raffle.title, tickets: raffle.ticketCount });
    } catch (err) {
      if (!isDomainError(err, 'raffle_drawn')) throw err;
      const raffle = await raffles.get(v.op.merchantId, params.data.id);
      return sendHtml(reply, cancelPage(v, raffle, v.t('panel_pages.raffles.already_drawn')), 422);
    }
    return reply.redirect('/panel/rewards?saved=raffle_cancelled', 303);
  });
}
