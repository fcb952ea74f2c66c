import type { FastifyRequest } from 'fastify';
import { formatDate, formatDateTime, formatDecimal, formatMoney, formatNumber, formatPhone } from '../../chat/format.js';
import type { Locale, Translate } from '../../chat/i18n.js';
import type { ClubScreens } from '../../chat/club-screens.js';
import type { Operator } from '../../domain/admin/permissions.js';
import { can, type AdminAction } from '../../domain/admin/permissions.js';

/** What every page renders with: the operator, their club, the words and number formats of the locale. */
export interface PanelView {
  t: Translate;
  locale: Locale;
  op: Operator;
  csrf: string;
  club: string;
  unit: 'IRT' | 'IRR';
  path: string;
  tierName(key: string): string;
  can(action: AdminAction): boolean;
  num(n: number): string;
  dec(n: number): string;
  money(n: number): string;
  date(d: Date): string;
  dateTime(d: Date): string;
  phone(e164: string): string;
}

export async function panelView(request: FastifyRequest, screens: ClubScreens, locale: Locale): Promise<PanelView> {
  const { operator: op, csrf } = request.panel!;
  const c = await screens.context(op.merchantId, locale);
  return {
    t: c.t,
    locale,
    op,
    csrf,
    club: c.clubName,
    unit: c.moneyUnit,
    path: request.url.split('?')[0]!,
    tierName: c.tierName,
    can: (action) => can(op.role, action),
    num: (n) => formatNumber(n, locale),
    dec: (n) => formatDecimal(n, locale),
    money: (n) => formatMoney(n, c.moneyUnit, locale, c.t),
    date: (d) => formatDate(d, locale),
    dateTime: (d) => formatDateTime(d, locale),
    phone: (e164) => formatPhone(e164, locale),
  };
}
