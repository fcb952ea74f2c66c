/** U+2066 LEFT-TO-RIGHT ISOLATE … U+2069 POP DIRECTIONAL ISOLATE. */
export const LRI = '\u2066';
export const PDI = '\u2069';

// A Latin token: a word, number, date, command, code, phone, e-mail or URL; a run is tokens
// separated by spaces ("HTTP Shop", "/menu /balance"). Sentence punctuation at its end stays out.
const LINK = String.raw`https?://[^\s\u2066-\u2069]*[^\s\u2066-\u2069.,:;!?،؛؟]`;
const TOKEN = String.raw`(?:${LINK}|[+/@#]?[A-Za-z0-9](?:[\w.~:/?#@!$&'()*+=%,;-]*[\w/=#%-])?)`;
const RUN = new RegExp(String.raw`${LRI}[^${PDI}]*${PDI}|${TOKEN}(?:[ \t]+${TOKEN})*`, 'g');

/**
 * Wraps each Latin run of a right-to-left (Persian) text in a left-to-right isolate, so it reads
 * as written: without, "1370-6-31" shows as "31-6-1370" and "/start" as "start/". Runs already
 * isolated are left alone, so a text built from translated parts can be passed again.
 * Display text only: never for callback data, URLs built for links, or anything parsed back.
 */
export function isolateLatin(text: string): string {
  return text.replace(RUN, (run) => (run.startsWith(LRI) ? run : `${LRI}${run}${PDI}`));
}

const ISOLATES = /[\u2066-\u2069]/g;

/** A member's text without isolates (pasted from one of our messages), as typed. */
export function stripIsolates(text: string): string {
  return text.replace(ISOLATES, '');
}
