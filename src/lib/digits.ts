const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';

/** Persian (۰–۹) and Arabic-Indic (٠–٩) digits to ASCII; everything else unchanged. */
export function toLatinDigits(text: string): string {
  return text.replace(/[۰-۹٠-٩]/g, (d) => String(PERSIAN.includes(d) ? PERSIAN.indexOf(d) : ARABIC_INDIC.indexOf(d)));
}

export function toPersianDigits(text: string | number | bigint): string {
  return String(text).replace(/[0-9]/g, (d) => PERSIAN[Number(d)]!);
}

/** A number as typed (any digit script, spaces and thousands separators ۱۲٬۵۰۰, 12,500, 12 500) in ASCII digits alone. */
export function numberText(text: string): string {
  return toLatinDigits(text).replace(/[\s,٬،_]/g, '');
}

/** A whole number typed in any digit script, with optional thousands separators; null if it is not one. */
export function parseWholeNumber(text: string): number | null {
  const cleaned = numberText(text);
  if (!/^\d{1,15}$/.test(cleaned)) return null;
  return Number(cleaned);
}
