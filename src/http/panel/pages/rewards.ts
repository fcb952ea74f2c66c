import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { toLatinDigits } from '../../../lib/digits.js';
import { formatJalaliDateTime } from '../../../lib/jalali.js';
import { wheelInputSchema } from '../../../domain/rewards/wheel.js';
import { isDomainError } from '../../../domain/errors.js';
import { BOM, csvLine } from '../csv.js';
import { FORM } from '../deps.js';
import { html, type Html } from '../html.js';
import { section, table, type TableRow } from '../components.js';
import { csrfField, panelPage } from '../layout.js';
import { allowedView, auditChange, formFields, parseWhole, sendHtml, type PagesDeps } from '../page-kit.js';
import type { PanelView } from '../view.js';
import { memberName } from './members.js';
import { oddsList, wheelEditor, wheelFromForm, wheelIssue } from './wheel-editor.js';
import { rewardEditorPages } from './reward-editors.js';

type Form = Record<string, unknown>;
interface PageOpts {
  wheelForm?: Form;
  wheelError?: string;
  saved?: (typeof SAVED)[number];
  error?: string;
}

const idParams = z.object({ id: z.uuid() });

/** When a gift is shown: from a day, until a day, or both. */
function giftWindow(v: PanelView, from: Date | null, to: Date | null): string {
  if (from && to) return v.t('panel_pages.gifts.window', { from: v.date(from), to: v.date(to) });
  return from ? v.t('panel_pages.gifts.window_from', { from: v.date(from) }) : v.t('panel_pages.gifts.window_to', { to: v.date(to!) });
}
const stepParams = z.object({ id: z.uuid(), step: z.enum(['approve', 'ship', 'reject']) });
/** What a redirect after a change says it saved: the wheel, a gift request's step, a gift, a voucher campaign (new, or on/off), a raffle. */
const SAVED = ['wheel', 'step', 'gift', 'voucher', 'voucher_state', 'raffle', 'raffle_cancelled'] as const;

/** Rewards (managers and owners run the gift queue as in chat; owners change the wheel): wheel, gifts, queue, vouchers, raffles. */
export async function rewardPages(app: FastifyInstance, deps: PagesDeps) {
  const { admin, wheel, gifts, vouchers, raffles, members } = deps.services;

  async function page(v: PanelView, opts: PageOpts): Promise<Html> {
    const t = v.t;
    const m = v.op.merchantId;
    // The gift catalog is configured by owners, like the wheel; voucher campaigns and raffles are
    // campaigns, which managers run too.
    const configures = v.can('settings');
    const newLink = (path: string, key: string, may = configures) =>
      may ? html`<p><a class="button primary" href="/panel/rewards/${path}/new">${t(key)}</a></p>` : '';
    const [config, catalog, queue, voucherList, raffleList] = await Promise.all([
      wheel.config(m),
      gifts.list(m),
      admin.giftQueue(v.op),
      vouchers.campaigns(m),
      raffles.list(m, 20),
    ]);
    const giftRows = catalog.map((g): TableRow => [
      html`${g.imageUrl ? html`<img src="${g.imageUrl}" alt="" width="40" height="40" loading="lazy" />` : ''} ${g.title}
      ${g.active ? '' : html`<span class="badge">${t('panel_pages.gifts.inactive')}</span>`}
      ${g.tiers.length ? html`<span class="badge">${t('panel_pages.gifts.only_tiers', { tiers: g.tiers.map(v.tierName).join('، ') })}</span>` : ''}
      ${g.visibleFrom || g.visibleTo ? html`<span class="badge">${giftWindow(v, g.visibleFrom, g.visibleTo)}</span>` : ''}`,
      `${v.num(g.cost)} ${t(`currency.${g.costCurrency}`)}`,
      g.stock === null ? t('panel_pages.gifts.unlimited') : v.num(g.stock),
      ...(configures
        ? [
            {
              className: 'actions',
              content: html`<a href="/panel/rewards/gifts/${g.id}">${t('panel_pages.gifts.edit_link')}</a>
                <form method="post" action="/panel/rewards/gifts/${g.id}/active" class="inline">
                  ${csrfField(v)}<input type="hidden" name="active" value="${g.active ? '' : 'on'}" />
                  <button type="submit">${t(g.active ? 'panel_pages.gifts.deactivate' : 'panel_pages.gifts.activate')}</button>
                </form>`,
            },
          ]
        : []),
    ]);
    const queueRows = await Promise.all(
      queue.map(async (r) => {
        const member = await members.get(m, r.memberId);
        const step = (s: 'approve' | 'ship' | 'reject') =>
          html`<form method="post" action="/panel/rewards/gift-requests/${r.id}/${s}" class="inline">
            ${csrfField(v)}<button type="submit">${t(`panel_pages.gifts.${s}`)}</button>
          </form>`;
        return [
          r.giftTitle,
          html`<a href="/panel/members/${member.id}">${memberName(member, v)}</a>`,
          t(`panel_pages.gifts.status.${r.status}`),
          v.dateTime(r.createdAt),
          { className: 'actions', content: html`${r.status === 'requested' ? step('approve') : ''} ${step('ship')} ${step('reject')}` },
        ];
      }),
    );
    const runsCampaigns = v.can('campaigns');
    const voucherRows = voucherList.map((c) => [
      html`${c.name} ${c.active ? '' : html`<span class="badge">${t('panel_pages.vouchers.paused')}</span>`}
      ${
        runsCampaigns
          ? html`<form method="post" action="/panel/rewards/vouchers/${c.id}/active" class="inline">
              ${csrfField(v)}<input type="hidden" name="active" value="${c.active ? '' : 'on'}" />
              <button type="submit">${t(c.active ? 'panel_pages.vouchers.pause' : 'panel_pages.vouchers.resume')}</button>
            </form>`
          : ''
      }`,
      `${v.num(c.issued)} / ${v.num(c.redeemed)}`,
      c.validTo ? v.date(c.validTo) : '—',
      c.sharedCode
        ? html`<span dir="ltr">${c.sharedCode}</span>`
        : runsCampaigns
          ? html`<form method="post" action="/panel/rewards/vouchers/${c.id}/codes.csv" class="inline">
              ${csrfField(v)}
              <label for="count-${c.id}">${t('panel_pages.vouchers.count')}</label>
              <input id="count-${c.id}" name="count" inputmode="numeric" size="6" value="${v.num(100)}" />
              <button type="submit">${t('panel_pages.vouchers.generate')}</button>
            </form>`
          : '',
    ]);
    const raffleRows = raffleList.map((r): TableRow => [
      r.title,
      t(`panel_pages.raffles.status.${r.status}`),
      v.dateTime(r.closesAt),
      v.num(r.ticketCount),
      {
        // Two links: a line of the card to themselves.
        className: 'wide',
        content: html`<a href="/v1/public/raffles/${r.id}/proof" rel="noopener">${t('panel_pages.raffles.proof')}</a> ${
            r.status === 'open' && runsCampaigns
              ? html` · <a href="/panel/rewards/raffles/${r.id}/cancel">${t('panel_pages.raffles.cancel')}</a>`
              : ''
          }`,
      },
    ]);
    const none = (key: string) => html`<p class="muted">${t(key)}</p>`;
    return panelPage(
      v,
      t('panel_pages.nav.rewards'),
      html`${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
      ${opts.saved === 'step' ? html`<p class="ok" role="status">${t('panel_pages.gifts.done')}</p>` : ''}
      ${
        opts.saved && !['wheel', 'step'].includes(opts.saved)
          ? html`<p class="ok" role="status">${t(`panel_pages.rewards.saved_${opts.saved}`)}</p>`
          : ''
      }
      ${section(
        'wheel-h',
        t('panel_pages.wheel.title'),
        wheelEditor(
          v,
          config,
          { vouchers: voucherList, gifts: catalog },
          { typed: opts.wheelForm, error: opts.wheelError, saved: opts.saved === 'wheel' },
        ),
      )}
      ${section(
        'queue-h',
        t('panel_pages.gifts.queue'),
        queue.length
          ? table(
              ['gift', 'member', 'status', 'when', 'actions'].map((k) => t(`panel_pages.gifts.col.${k}`)),
              queueRows,
            )
          : none('panel_pages.gifts.queue_empty'),
      )}
      ${section(
        'gifts-h',
        t('panel_pages.gifts.catalog'),
        html`${newLink('gifts', 'panel_pages.gifts.new')}
        ${
          catalog.length
            ? table(
                ['title', 'cost', 'stock', ...(configures ? ['actions'] : [])].map((k) => t(`panel_pages.gifts.col.${k}`)),
                giftRows,
              )
            : none('panel_pages.gifts.none')
        }`,
      )}
      ${section(
        'vouchers-h',
        t('panel_pages.vouchers.title'),
        html`${newLink('vouchers', 'panel_pages.vouchers.new', runsCampaigns)}
        ${
          voucherList.length
            ? table(
                ['name', 'issued', 'valid_to', 'codes'].map((k) => t(`panel_pages.vouchers.col.${k}`)),
                voucherRows,
              )
            : none('panel_pages.vouchers.none')
        }`,
      )}
      ${section(
        'raffles-h',
        t('panel_pages.raffles.title'),
        html`${newLink('raffles', 'panel_pages.raffles.new', v.can('campaigns'))}
        ${
          raffleList.length
            ? table(
                ['title', 'status', 'closes', 'tickets', 'proof'].map((k) => t(`panel_pages.raffles.col.${k}`)),
                raffleRows,
              )
            : none('panel_pages.raffles.none')
        }`,
      )}`,
    );
  }

  const show = async (request: FastifyRequest, reply: FastifyReply, opts: PageOpts, status = 200) => {
    const v = await allowedView(request, deps, 'gifts.queue');
    return sendHtml(reply, await page(v, opts), status);
  };

  app.get('/rewards', async (request, reply) => {
    const saved = (request.query as Record<string, unknown>).saved;
    return show(request, reply, { saved: SAVED.find((s) => s === saved) });
  });

  app.post('/rewards/wheel/odds', { schema: FORM }, async (request, reply) => {
    const v = await allowedView(request, deps, 'gifts.queue');
    return sendHtml(reply, oddsList(v, (request.body ?? {}) as Form));
  });

  app.post('/rewards/wheel', { schema: FORM }, async (request, reply) => {
    // Changing the wheel is club configuration: owners only, like the other settings.
    const v = await allowedView(request, deps, 'settings', 'wheel');
    const form = (request.body ?? {}) as Form;
    const input = wheelFromForm(form);
    const parsed = wheelInputSchema.safeParse(input);
    if (!parsed.success) return show(request, reply, { wheelForm: form, wheelError: wheelIssue(v, parsed.error.issues) }, 400);
    await wheel.replace(v.op.merchantId, input);
    await auditChange(deps, v.op, 'wheel.replace', null, { prizes: parsed.data.prizes.length });
    return reply.redirect('/panel/rewards?saved=wheel', 303);
  });

  app.post('/rewards/gift-requests/:id/:step', { schema: FORM }, async (request, reply) => {
    const params = stepParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await allowedView(request, deps, 'gifts.queue', params.data.id);
    try {
      // The chat's own step (audited there): a rejection refunds the member through the ledger.
      await admin.giftStep(v.op, params.data.id, params.data.step);
    } catch (err) {
      if (isDomainError(err) && err.kind !== 'forbidden' && err.kind !== 'not_found')
        return show(request, reply, { error: v.t('panel_pages.gifts.step_refused') }, 422);
      throw err;
    }
    return reply.redirect('/panel/rewards?saved=step', 303);
  });

  app.post('/rewards/vouchers/:id/codes.csv', { schema: FORM }, async (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const v = await allowedView(request, deps, 'campaigns', params.data.id);
    const count = parseWhole(formFields(request.body).count);
    if (count === null || count < 1 || count > 10_000) return show(request, reply, { error: v.t('panel_pages.vouchers.bad_count') }, 400);
    const codes = await vouchers.generate(v.op.merchantId, params.data.id, count);
    await auditChange(deps, v.op, 'vouchers.generate', params.data.id, { count });
    const today = toLatinDigits(formatJalaliDateTime(deps.clock.now())).replaceAll('/', '-');
    const csv = BOM + csvLine([v.t('panel_pages.vouchers.code_column')]) + codes.map((c) => csvLine([c])).join('');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="voucher-codes-${today}.csv"`)
      .send(csv);
  });

  await rewardEditorPages(app, deps);
}
