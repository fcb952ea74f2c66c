import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramHarness, type TelegramHarness } from '../helpers/telegram.js';
import { newPhone } from '../helpers/services.js';

let h: TelegramHarness;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bashgah-botapi-'));
  h = await createTelegramHarness({ botApiState: join(dir, 'local-bot-api.json') });
});
afterAll(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the demo restarted (local Bot API over its saved state)', () => {
  it('keeps the chat, its keyboard and numbering, and the bot answers the next message', async () => {
    const u = h.user(501, 'Sara');
    await u.join(newPhone());
    const before = u.botMessages().length;
    const keyboard = u.keyboardLabels();
    expect(keyboard.length).toBeGreaterThan(0);
    const lastUpdate = h.api.sendText(h.token, u.user, 'سلام').update_id;
    await h.api.waitForBot(h.token, 501, { after: u.botMessages().at(-1)!.message_id });

    await h.restartBotApi();
    const again = h.user(501, 'Sara');
    expect(again.botMessages().length).toBeGreaterThanOrEqual(before);
    expect(again.keyboardLabels()).toEqual(keyboard);
    // Before the fix the numbering restarted at 1: ids the bot had handled, so it stayed silent.
    const [reply] = await again.send('💰 موجودی من');
    expect(reply!.text).toContain('کارت باشگاه');
    expect(h.api.sendText(h.token, again.user, '/help').update_id).toBeGreaterThan(lastUpdate + 1);
  });

  it('with its state file gone, the bot still answers: new update ids are above the ones it remembers', async () => {
    await h.restartBotApi(() => rm(join(dir, 'local-bot-api.json')));
    expect(h.api.transcript(h.token, 501).messages).toEqual([]);
    const [reply] = await h.user(502, 'Reza').send('/start');
    expect(reply!.text).toContain('به باشگاه');
  });
});
