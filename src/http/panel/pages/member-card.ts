import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { numberText } from '../../../lib/digits.js';
import { ADJUST_REASON_MAX, newFormNonce, type PanelService } from '../../../domain/admin/panel-service.js';
import { isDomainError } from '../../../domain/errors.js';
import { CURRENCIES } from '../../../domain/ledger/types.js';
import { FORM, type PanelDeps } from '../deps.js';
import { html, type Html } from '../html.js';
import { list, section, table } from '../components.js';
import { csrfField, panelPage } from '../layout.js';
import { panelView, type PanelView } from '../view.js';
import { memberName } from './members.js';

type Card = Awaited<ReturnType<PanelService['memberCard']>>;

const uuid = z.object({ id: z.uuid() });
const pageQuery = z.object({ before: z.coerce.number().int().positive().optional(), adjusted: z.string().optional() });

function reasonText(e: Card['history']['entries'][number], v: PanelView): string {
  if (e.refType === 'adjustment') return `${v.t('reason.adjustment')}: ${e.reason}`;
  return v.t(`reason.${e.reason}`, { defaultValue: v.t('reason.other') });
}

function adjustForm(v: PanelView, memberId: string, error?: string): Html {
  const t = v.t;
  return section(
    'adjust',
    t('panel.member.adjust'),
    html`<form method="post" action="/panel/members/${memberId}/adjust" class="stack">
      ${csrfField(v)}<input type="hidden" name="nonce" value="${newFormNonce()}" />
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <fieldset>
        <legend>${t('panel.member.direction')}</legend>
        <label><input type="radio" name="direction" value="add" checked /> ${t('panel.member.add')}</label>
        <label><input type="radio" name="direction" value="deduct" /> ${t('panel.member.deduct')}</label>
      </fieldset>
      <label for="currency">${t('panel.member.currency')}</label>
      <select id="currency" name="currency">
        ${CURRENCIES.map((c) => html`<option value="${c}">${t(`currency.${c}`)}</option>`)}
      </select>
      <label for="amount">${t('panel.member.amount')}</label>
      <input id="amount" name="amount" inputmode="numeric" required autocomplete="off" />
      <label for="reason">${t('panel.member.reason')}</label>
      <input id="reason" name="reason" required maxlength="${ADJUST_REASON_MAX}" autocomplete="off" />
      <button type="submit" class="primary">${t('panel.member.adjust_submit')}</button>
    </form>`,
  );
}

/** When a friend joined, and their first purchase: “۱۴۰۵/۰۹/۱۰، اولین خرید ۱۴۰۵/۰۹/۱۲”. */
function friendLine(f: Card['friends'][number], v: PanelView): string {
  const joined = f.joinedAt ? v.date(f.joinedAt) : v.t(`panel.members.status.${f.status}`);
  return f.firstPurchaseAt
    ? `${joined}${v.t('panel.list_separator')}${v.t('panel.member.friend_bought', { date: v.date(f.firstPurchaseAt) })}`
    : joined;
}

function cardBody(v: PanelView, card: Card, opts: { adjusted?: boolean; error?: string }): Html {
  const t = v.t;
  const m = card.member;
  const head = html`<section class="card member-head" aria-label="${t('panel.member.profile')}">
    ${opts.adjusted ? html`<p class="ok" role="status">${t('panel.member.adjusted')}</p>` : ''}
    <dl class="facts">
      <div>
        <dt>${t('panel.members.phone')}</dt>
        <dd>${v.phone(m.phone)}</dd>
      </div>
      <div>
        <dt>${t('panel.members.code')}</dt>
        <dd dir="ltr">${m.memberCode}</dd>
      </div>
      <div>
        <dt>${t('panel.members.tier')}</dt>
        <dd>${v.tierName(m.tier)}</dd>
      </div>
      <div>
        <dt>${t('panel.member.status')}</dt>
        <dd>${t(`panel.members.status.${m.status}`)}</dd>
      </div>
      <div>
        <dt>${t('panel.members.joined')}</dt>
        <dd>${m.joinedAt ? v.date(m.joinedAt) : '—'}</dd>
      </div>
      <div>
        <dt>${t('panel.member.purchases')}</dt>
        <dd>${t('panel.member.purchases_value', { n: v.num(m.purchaseCount), total: v.money(m.purchaseTotal) })}</dd>
      </div>
    </dl>
  </section>`;
  const balances = section(
    'balances',
    t('panel.member.balances'),
    html`<dl class="balances">
        <div>
          <dt>${t('currency.points')}</dt>
          <dd>${v.num(m.balances.points)}</dd>
        </div>
        <div>
          <dt>${t('currency.coins')}</dt>
          <dd>${v.num(m.balances.coins)}</dd>
        </div>
        <div>
          <dt>${t('currency.credit')}</dt>
          <dd>${v.money(m.balances.credit)}</dd>
        </div>
      </dl>
      ${
        m.debts.points || m.debts.coins || m.debts.credit
          ? html`<p class="muted">
              ${t('panel.member.debts', { points: v.num(m.debts.points), coins: v.num(m.debts.coins), credit: v.money(m.debts.credit) })}
            </p>`
          : ''
      }`,
  );
  const h = card.history;
  const ledger = section(
    'ledger',
    t('panel.member.ledger'),
    h.entries.length
      ? html`${table(
            ['when', 'currency', 'amount', 'balance_after', 'reason'].map((k) => t(`panel.member.${k}`)),
            h.entries.map((e) => [
              v.dateTime(e.createdAt),
              t(`currency.${e.currency}`),
              { content: `${e.amount < 0 ? '−' : '+'}${v.num(Math.abs(e.amount))}`, className: e.amount < 0 ? 'neg' : 'pos' },
              v.num(e.balanceAfter),
              reasonText(e, v),
            ]),
          )}
          <nav class="pager" aria-label="${t('panel.member.ledger')}">
            ${h.prevAfter !== undefined ? html`<a href="/panel/members/${m.id}">${t('panel.member.newest')}</a>` : ''}
            ${h.nextBefore !== undefined ? html`<a href="/panel/members/${m.id}?before=${h.nextBefore}">${t('panel.member.older')}</a>` : ''}
          </nav>`
      : html`<p class="muted">${t('panel.member.no_ledger')}</p>`,
  );
  const channels = section(
    'channels',
    t('panel.member.channels'),
    list(
      card.identities,
      (i) =>
        html`${t(`panel.channel.${i.channel}`)} — ${t('panel.member.last_seen')}: ${v.dateTime(i.lastSeenAt ?? i.createdAt)}
        ${i.unreachableAt ? html`<span class="badge warn">${t('panel.member.unreachable')}</span>` : ''}`,
      t('panel.member.no_channels'),
    ),
  );
  const referrals = section(
    'referrals',
    t('panel.member.referrals'),
    list(
      card.friends,
      (f) => html`<a href="/panel/members/${f.memberId}">${memberName(f, v)}</a> — ${friendLine(f, v)}`,
      t('panel.member.no_referrals'),
    ),
  );
  const tickets = section(
    'tickets',
    t('panel.member.tickets'),
    list(
      card.tickets,
      (k) =>
        html`#${v.num(k.number)} — ${t(`support.category.${k.category}`, { defaultValue: k.category })} — ${t(`support.status.${k.status}`)}
        — ${v.date(k.createdAt)}`,
      t('panel.member.no_tickets'),
    ),
  );
  return html`${head}
    <div class="columns">${balances}${v.can('member.adjust') ? adjustForm(v, m.id, opts.error) : ''}</div>
    ${ledger}
    <div class="columns">${channels}${referrals}${tickets}</div>`;
}

const adjustBody = z.object({
  direction: z.enum(['add', 'deduct']),
  currency: z.enum(CURRENCIES),
  amount: z.string(),
  reason: z.string(),
  nonce: z.string().min(8).max(64),
});

/** 12,500 / ۱۲٬۵۰۰ / 12500 → 12500; anything else null. */
function parseAmount(text: string): number | null {
  const n = Number(numberText(text));
  return Number.isSafeInteger(n) && n > 0 && n <= 1e15 ? n : null;
}

export async function memberCardPages(app: FastifyInstance, deps: PanelDeps) {
  const render = async (
    request: Parameters<typeof panelView>[0],
    id: string,
    opts: { before?: number; adjusted?: boolean; error?: string },
  ) => {
    const v = await panelView(request, deps.screens, deps.locale);
    const card = await deps.panel.memberCard(v.op, id, opts.before);
    return panelPage(v, memberName(card.member, v), cardBody(v, card, opts)).value;
  };

  app.get('/members/:id', async (request, reply) => {
    const params = uuid.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const q = pageQuery.safeParse(request.query);
    const opts = q.success ? { before: q.data.before, adjusted: q.data.adjusted === '1' } : {};
    return reply.type('text/html; charset=utf-8').send(await render(request, params.data.id, opts));
  });

  app.post('/members/:id/adjust', { schema: FORM }, async (request, reply) => {
    const params = uuid.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const id = params.data.id;
    const v = await panelView(request, deps.screens, deps.locale);
    const form = adjustBody.safeParse(request.body);
    const fail = async (error: string) =>
      reply
        .status(400)
        .type('text/html; charset=utf-8')
        .send(await render(request, id, { error }));
    // The role first: a cashier's POST is refused (and audited) whatever the form holds.
    await deps.panel.requireAdjust(v.op, id);
    if (!form.success) return fail(v.t('panel.member.bad_form'));
    const amount = parseAmount(form.data.amount);
    if (amount === null) return fail(v.t('panel.member.bad_amount'));
    if (!form.data.reason.trim()) return fail(v.t('panel.member.need_reason'));
    try {
      await deps.panel.adjust(v.op, id, {
        currency: form.data.currency,
        amount: form.data.direction === 'add' ? amount : -amount,
        reason: form.data.reason,
        nonce: form.data.nonce,
      });
    } catch (err) {
      if (isDomainError(err, 'insufficient_balance')) return fail(v.t('panel.member.insufficient'));
      throw err;
    }
    return reply.redirect(`/panel/members/${id}?adjusted=1`, 303);
  });
}
