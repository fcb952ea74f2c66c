import type { FastifyReply, FastifyRequest } from 'fastify';
import { numberText } from '../../lib/digits.js';
import { operatorAudit } from '../../domain/admin/operator-service.js';
import type { AdminAction, Operator } from '../../domain/admin/permissions.js';
import type { PanelDeps } from './deps.js';
import { html, type Html, type HtmlValue } from './html.js';
import type { PanelPageServices } from './page-services.js';
import { panelView, type PanelView } from './view.js';

export type PagesDeps = PanelDeps & { services: PanelPageServices };

export const sendHtml = (reply: FastifyReply, body: Html, status = 200) =>
  reply.status(status).type('text/html; charset=utf-8').send(body.value);

/** The page's view after the role check (a refusal is audited by AdminService, as in chat, and becomes the 403 page). */
export async function allowedView(request: FastifyRequest, deps: PagesDeps, action: AdminAction, target?: string): Promise<PanelView> {
  const v = await panelView(request, deps.screens, deps.locale);
  await deps.services.admin.require(v.op, action, target);
  return v;
}

/** An audit line for a change made from the panel (the chat's audit log, the same action names). */
export function auditChange(deps: PagesDeps, op: Operator, action: string, target?: string | null, details?: unknown) {
  return deps.services.operatorStore.audit(operatorAudit(op, action, { target, details: { via: 'panel', ...(details as object) } }));
}

/** A whole number typed in any digits with any separators (۱۲٬۵۰۰, 12,500); null when empty or not one. */
export function parseWhole(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const clean = numberText(text);
  if (!/^-?\d+$/.test(clean)) return null;
  const n = Number(clean);
  return Number.isSafeInteger(n) ? n : null;
}

/** A decimal typed in any digits (۱٫۵, 1.5); null when not one. */
export function parseDecimal(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const clean = numberText(text).replace('٫', '.');
  if (!/^-?\d+(\.\d+)?$/.test(clean)) return null;
  return Number(clean);
}

/** A form's fields as plain strings (the form parser gives strings, or arrays for repeated names). */
export function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (typeof val === 'string') out[k] = val;
    else if (Array.isArray(val) && typeof val.at(-1) === 'string') out[k] = val.at(-1) as string;
  }
  return out;
}

/** Every value of a repeated field (the ticked checkboxes of one name), trimmed, blanks and repeats left out. */
export function formValues(body: unknown, name: string): string[] {
  const val = ((body ?? {}) as Record<string, unknown>)[name];
  const all = (Array.isArray(val) ? val : [val]).filter((x): x is string => typeof x === 'string').map((x) => x.trim());
  return [...new Set(all.filter(Boolean))];
}

/** A card's facts: label and value pairs as a description list. */
export function facts(items: readonly (readonly [string, HtmlValue])[]): Html {
  return html`<dl class="facts">
    ${items.map(
      ([label, value]) =>
        html`<div>
          <dt>${label}</dt>
          <dd>${value}</dd>
        </div>`,
    )}
  </dl>`;
}
