import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_MAX_BYTES, decodeAction, encodeAction, type Action } from '../../src/chat/actions.js';
import { ROOT } from '../helpers/process.js';
import { sourceFiles } from '../helpers/source-files.js';

const id = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
const nonce = 'abcdef01';

/** One of every kind, each field at its widest. */
const EVERY_KIND: Action[] = [
  { kind: 'none' },
  { kind: 'home' },
  { kind: 'menu', item: 'balance' },
  { kind: 'history.page', dir: 'b', id: Number.MAX_SAFE_INTEGER, page: 999_999 },
  { kind: 'language.set', locale: 'en' },
  { kind: 'profile.edit' },
  { kind: 'referral.code' },
  { kind: 'wheel.spin', nonce },
  { kind: 'gift.page', page: 9999 },
  { kind: 'gift.view', giftId: id, page: 9999 },
  { kind: 'gift.ask', giftId: id },
  { kind: 'gift.askOld', giftId: id, nonce },
  { kind: 'gift.request', giftId: id, nonce },
  { kind: 'gift.cancel' },
  { kind: 'gift.mine' },
  { kind: 'voucher.offer', campaignId: id },
  { kind: 'voucher.buy', campaignId: id, nonce },
  { kind: 'voucher.cancel' },
  { kind: 'raffle.offer', raffleId: id, count: 999 },
  { kind: 'raffle.buy', raffleId: id, count: 999, nonce },
  { kind: 'raffle.cancel' },
  { kind: 'survey.rate', responseId: id, stars: 5 },
  { kind: 'survey.nps', responseId: id, score: 10 },
  { kind: 'survey.noComment', responseId: id },
  { kind: 'survey.start', surveyId: id },
  { kind: 'survey.answer', responseId: id, questionId: 'q'.repeat(20), value: 10 },
  { kind: 'ticket.new', category: 9 },
  { kind: 'ticket.mine' },
  { kind: 'ticket.view', ticketId: id },
  { kind: 'ticket.reply', ticketId: id },
  { kind: 'ticket.close', ticketId: id },
  { kind: 'promo.optOut' },
  { kind: 'promo.optIn' },
  { kind: 'staffTicket.view', ticketId: id },
  { kind: 'staffTicket.reply', ticketId: id },
  { kind: 'staffTicket.close', ticketId: id },
  { kind: 'giftQueue.step', step: 'approve', requestId: id },
  { kind: 'broadcast.control', op: 'resume', broadcastId: id },
];

describe('button actions: one typed codec', () => {
  it.each(EVERY_KIND.map((a) => [a.kind, a] as const))(
    "%s reads back as written, within Telegram's 64 bytes of callback_data",
    (_kind, action) => {
      const wire = encodeAction(action);
      expect(Buffer.byteLength(wire)).toBeLessThanOrEqual(ACTION_MAX_BYTES);
      expect(decodeAction(wire)).toEqual(action);
    },
  );

  it('keeps the wire form buttons already sent carry', () => {
    expect(encodeAction({ kind: 'gift.view', giftId: id, page: 2 })).toBe(`gift:v:${id}:2`);
    expect(encodeAction({ kind: 'giftQueue.step', step: 'ship', requestId: id })).toBe(`gq:ship:${id}`);
    expect(encodeAction({ kind: 'promo.optOut' })).toBe('optout');
    expect(decodeAction('lang:en')).toEqual({ kind: 'language.set', locale: 'en' });
  });

  it('refuses forged, stale or overlong data instead of guessing', () => {
    for (const wire of [
      '',
      'gift',
      'gift:v:not-a-uuid:1',
      `gift:v:${id}`,
      `gift:v:${id}:1:2`,
      'lang:de',
      `sv:r:${id}:6`,
      'hist:c:1:1',
      'test:handled',
      `gift:mine:${'x'.repeat(64)}`,
    ]) {
      expect(decodeAction(wire), wire).toBeNull();
    }
    expect(() => encodeAction({ kind: 'survey.answer', responseId: id, questionId: 'q'.repeat(40), value: 1 })).toThrow(/over 64/);
  });
});

/**
 * An action string literal (`'gift:v:…'`, `` `tk:r:${…}` ``, 'optout') or a regex/string callbackQuery handler.
 * Idempotency keys and inbox sources (`gift:${key}`, `bc:${id}`) share some prefixes, not the shape.
 */
const ACTION_STRING =
  /['"`](?:(?:menu|hist|lang|profile|referral|wheel|gift|vch|raf|sv|tk|at|gq|bc):[a-z]|(?:menu|hist|lang|vch|raf|sv|tk|at|gq):\$\{)|['"`](?:noop|optout|optin)['"`]|callbackQuery\(\s*['"`/]/;

describe('no action string outside src/chat/actions.ts', () => {
  it('no file under src builds or matches a button action by hand', async () => {
    const found: string[] = [];
    for (const path of await sourceFiles(join(ROOT, 'src'))) {
      const file = relative(ROOT, path);
      if (file === 'src/chat/actions.ts') continue;
      const lines = (await readFile(path, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (ACTION_STRING.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
