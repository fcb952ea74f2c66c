/**
 * How an SMS is billed: in parts. Text that fits the GSM 03.38 alphabet (Latin) goes as GSM-7,
 * 160 characters in one part and 153 a part once it is split (the rest carries the joining
 * header); anything else, Persian included, goes as UCS-2: 70 characters, 67 a part when split.
 * Characters of the GSM extension table (€ [ ] { } ^ ~ | \) take two places.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

export interface SmsParts {
  encoding: 'gsm7' | 'ucs2';
  /** Characters as the operator counts them (GSM-7 septets, or UTF-16 code units). */
  length: number;
  parts: number;
}

export function smsParts(text: string): SmsParts {
  let gsm = 0;
  let isGsm = true;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) gsm += 1;
    else if (GSM_EXTENDED.includes(ch)) gsm += 2;
    else {
      isGsm = false;
      break;
    }
  }
  if (isGsm) return { encoding: 'gsm7', length: gsm, parts: gsm <= 160 ? 1 : Math.ceil(gsm / 153) };
  const length = text.length; // UTF-16 code units: an emoji takes two
  return { encoding: 'ucs2', length, parts: length <= 70 ? 1 : Math.ceil(length / 67) };
}

/** What sending `text` to `recipients` people costs, in Rials (integers only). */
export function smsCost(text: string, recipients: number, pricePerPartRials: number) {
  const p = smsParts(text);
  return { ...p, recipients, pricePerPartRials, costRials: p.parts * recipients * pricePerPartRials };
}

/**
 * The text as an SMS carries it: without the invisible direction isolates (U+2066–U+2069) chat
 * screens put around names and links; phones lay out the line themselves, and each would cost a
 * character.
 */
export function plainSmsText(text: string): string {
  return text.replace(/[\u2066-\u2069]/g, '');
}

/** Iranian operators require the opt-out keyword in every promotional SMS: "لغو۱۱" on its own line. */
export function withOptOut(text: string, keyword: string): string {
  return `${text.trimEnd()}\n${keyword}`;
}

const fold = (s: string) =>
  s
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/ي/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/[\s\u200c]+/g, '')
    .toLowerCase();

/**
 * An incoming SMS asks to stop: it is the keyword (any digits, spaces, Arabic letters), the
 * keyword's digits alone ("11"), or its word alone ("لغو").
 */
export function isOptOutReply(text: string, keyword: string): boolean {
  const got = fold(text);
  if (!got) return false;
  const want = fold(keyword);
  const word = want.replace(/\d+/g, '');
  const digits = want.replace(/\D+/g, '');
  return got === want || (!!word && got === word) || (!!digits && got === digits) || got === 'stop';
}
