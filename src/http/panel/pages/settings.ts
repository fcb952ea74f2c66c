import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MerchantSettings } from '../../../domain/merchants/settings.js';
import { FORM } from '../deps.js';
import { html, type Html } from '../html.js';
import { csrfField, panelPage } from '../layout.js';
import { allowedView, auditChange, formFields, sendHtml, type PagesDeps } from '../page-kit.js';
import type { PanelView } from '../view.js';
import { applyForm, fieldInput, getPath, shownValue } from '../forms/fields.js';
import { issuesByField } from '../forms/zod-issues.js';
import { dropBlankLevels, SECTION_SCHEMAS, SETTINGS_SECTIONS, sectionFields, type SettingsSection } from '../forms/settings-sections.js';

interface Failed {
  section: SettingsSection;
  typed: Record<string, string>;
  errors: Map<string, string>;
}

function sectionForm(v: PanelView, s: MerchantSettings, section: SettingsSection, failed?: Failed, saved?: boolean): Html {
  const t = v.t;
  const fields = sectionFields(section, s, t);
  const mine = failed?.section === section ? failed : undefined;
  const stored = s[section];
  const top = mine?.errors.get('');
  return html`<section class="card" aria-labelledby="s-${section}">
    <h2 id="s-${section}">${t(`panel_pages.settings.${section}`)}</h2>
    <p class="muted">${t(`panel_pages.settings.${section}_lead`)}</p>
    ${saved ? html`<p class="ok" role="status">${t('panel_pages.settings.saved')}</p>` : ''}
    ${mine ? html`<p class="error" role="alert">${t('panel_pages.settings.fix')}</p>` : ''} ${top ? html`<p class="error">${top}</p>` : ''}
    <form method="post" action="/panel/settings/${section}" class="settings-form" novalidate>
      ${csrfField(v)}
      <div class="fields">
        ${fields.map((f) => {
          const value = getPath(stored, f.name);
          return fieldInput(
            f,
            `${section}-${f.name.replaceAll('.', '-')}`,
            shownValue(f, value, mine?.typed, v),
            mine ? mine.typed[f.name] === 'on' : value === true,
            mine?.errors.get(f.name),
            v,
          );
        })}
      </div>
      <button type="submit" class="primary">${t('panel_pages.settings.save')}</button>
    </form>
  </section>`;
}

function settingsPage(v: PanelView, s: MerchantSettings, opts: { failed?: Failed; saved?: SettingsSection } = {}): Html {
  return panelPage(
    v,
    v.t('panel_pages.nav.settings'),
    html`${SETTINGS_SECTIONS.map((section) => sectionForm(v, s, section, opts.failed, opts.saved === section))}`,
  );
}

const sectionParams = z.object({ section: z.enum(SETTINGS_SECTIONS) });
const savedQuery = z.object({ saved: z.enum(SETTINGS_SECTIONS).optional() });

/** Settings (owner only, as in chat): earning rules, tiers, referrals and automations, each a form checked by the API's schema. */
export async function settingsPages(app: FastifyInstance, deps: PagesDeps) {
  const { settings } = deps.services;

  app.get('/settings', async (request, reply) => {
    const v = await allowedView(request, deps, 'settings');
    const q = savedQuery.safeParse(request.query);
    return sendHtml(reply, settingsPage(v, await settings.get(v.op.merchantId), { saved: q.success ? q.data.saved : undefined }));
  });

  app.post('/settings/:section', { schema: FORM }, async (request, reply) => {
    const params = sectionParams.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const section = params.data.section;
    // The role first: a cashier's POST is refused (and audited) whatever the form holds.
    const v = await allowedView(request, deps, 'settings', section);
    const current = await settings.get(v.op.merchantId);
    const typed = formFields(request.body);
    const fields = sectionFields(section, current, v.t);
    const { value, badJson } = applyForm(current[section], fields, typed);
    if (section === 'tiers') dropBlankLevels(value);
    const parsed = SECTION_SCHEMAS[section].safeParse(value);
    if (badJson.length || !parsed.success) {
      const errors = parsed.success ? new Map<string, string>() : issuesByField(parsed.error.issues, new Set(fields.map((f) => f.name)), v);
      for (const name of badJson) errors.set(name, v.t('panel_pages.issue.json'));
      return sendHtml(reply, settingsPage(v, current, { failed: { section, typed, errors } }), 400);
    }
    await settings.set(v.op.merchantId, { ...current, [section]: value });
    await auditChange(deps, v.op, 'settings.update', section, { section });
    return reply.redirect(`/panel/settings?saved=${section}`, 303);
  });
}
