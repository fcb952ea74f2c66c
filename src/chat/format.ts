import { formatJalaliDate, formatJalaliDateTime } from '../lib/jalali.js';
import type { Locale, Translate } from './i18n.js';
import type { Currency } from '../domain/ledger/types.js';
import { formatIranianPhone } from '../domain/members/phone.js';
import { toPersianDigits } from '../lib/digits.js';
import { LRI, PDI } from './bidi.js';

const numberFormats: Record<Locale, Intl.NumberFormat> = {
  fa: new Intl.NumberFormat('fa-IR', { maximumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }),
};

/** 1250000 → ۱٬۲۵۰٬۰۰۰ (Persian digits and separators) or 1,250,000. */
export function formatNumber(n: number, locale: Locale): string {
  return numberFormats[locale].format(n);
}

const decimalFormats: Record<Locale, Intl.NumberFormat> = {
  fa: new Intl.NumberFormat('fa-IR', { maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }),
};

/** A ratio or an average with up to two decimals: 2.5 → ۲٫۵, 0.25 → ۰٫۲۵ (Persian decimal separator). */
export function formatDecimal(n: number, locale: Locale): string {
  return decimalFormats[locale].format(n);
}

/** A signed amount: +۲۵ / −۱۰. */
export function formatSigned(n: number, locale: Locale): string {
  return `${n < 0 ? '−' : '+'}${formatNumber(Math.abs(n), locale)}`;
}

export function formatMoney(n: number, unit: 'IRT' | 'IRR', locale: Locale, t: Translate): string {
  return `${formatNumber(n, locale)} ${t(`currency.${unit}`)}`;
}

/** An amount of one of the ledger's currencies, credit in the merchant's money unit. */
export function formatAmount(currency: Currency, n: number, unit: 'IRT' | 'IRR', locale: Locale, t: Translate): string {
  return currency === 'credit' ? formatMoney(n, unit, locale, t) : `${formatNumber(n, locale)} ${t(`currency.${currency}`)}`;
}

export function formatDate(moment: Date, locale: Locale): string {
  return formatJalaliDateTime(moment, { locale });
}

/** A moment with its Tehran time: ۱۴۰۵/۰۹/۰۵، ۱۸:۳۰. */
export function formatDateTime(moment: Date, locale: Locale): string {
  return formatJalaliDateTime(moment, { locale, time: true });
}

/** A calendar date stored without time (birth dates). */
export function formatCalendarDate(date: Date, locale: Locale): string {
  const fa = formatJalaliDate(date);
  return locale === 'fa' ? fa : fa.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d)));
}

/** ▰▰▰▱▱▱▱▱▱▱ for a percentage. */
export function progressBar(percent: number, width = 10): string {
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return '▰'.repeat(filled) + '▱'.repeat(width - filled);
}

/** Escapes text for Telegram's HTML parse mode (names typed by members). */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A phone as shown to people: ۰۹۱۲ ۱۲۳ ۴۵۶۷ (a foreign one keeps its +), isolated left-to-right so its groups stay in order in a Persian line. */
export function formatPhone(e164: string, locale: Locale): string {
  const shown = formatIranianPhone(e164);
  return `${LRI}${locale === 'fa' ? toPersianDigits(shown) : shown}${PDI}`;
}
