import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { isolateLatin } from './bidi.js';

export const LOCALES = ['fa', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Translate = TFunction;

const LOCALES_DIR = resolve(import.meta.dirname, '../../locales');

function load(locale: Locale): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(LOCALES_DIR, locale, 'translation.json'), 'utf8')) as Record<string, unknown>;
}

/** One i18next instance for every channel; Persian is the default and the fallback. */
const i18n = i18next.createInstance();
void i18n.init({
  resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: load(l) }])),
  lng: 'fa',
  fallbackLng: 'fa',
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

const translators = new Map<Locale, Translate>();

export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    const fixed = i18n.getFixedT(locale);
    // Persian text: Latin runs (dates, commands, codes, phones, URLs, names) are isolated to read left to right.
    t = locale === 'fa' ? (((...args: Parameters<Translate>) => rtl(fixed(...args))) as Translate) : fixed;
    translators.set(locale, t);
  }
  return t;
}

function rtl<T>(out: T): T {
  return (typeof out === 'string' ? isolateLatin(out) : out) as T;
}

/** Every translation of a key, e.g. to recognise a menu label typed or pressed in either language. */
export function allTranslations(key: string): string[] {
  return LOCALES.map((l) => i18n.getFixedT(l)(key));
}
