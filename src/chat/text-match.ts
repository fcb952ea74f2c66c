import { stripIsolates } from './bidi.js';

/**
 * Text folded for matching what a member typed against a label or a word: no emoji, symbols or
 * diacritics, one spelling of the letters Arabic and Persian keyboards type differently (ي/ی,
 * ك/ک), ZWNJ and runs of spaces as one space, Latin in lower case.
 */
export function foldForMatch(text: string): string {
  return stripIsolates(text)
    .normalize('NFKC')
    .replace(/[يىئ]/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();
}
