import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDefaultMerchant } from '../../src/app/demo.js';
import type { Container } from '../../src/app/container.js';
import { parseConfig } from '../../src/config.js';
import { createTestWorld, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
beforeAll(async () => {
  w = await createTestWorld();
});
afterAll(() => w.close());

/** What prepareDefaultMerchant reads of the container, for a start with these variables. */
const containerWith = (env: Record<string, string>) =>
  ({ config: parseConfig(env), merchants: w.services.merchants }) as unknown as Container;

describe('BALE_BOT_TOKEN: the default merchant on Bale', () => {
  it('creates the default merchant with the Bale bot alone, then adds a Telegram bot and a new Bale token on later starts', async () => {
    const prepared = await prepareDefaultMerchant(containerWith({ BALE_BOT_TOKEN: '111222:FirstBaleToken_abcdefgh' }));
    expect(prepared?.demo).toBe(false);
    const id = prepared!.creds.id;
    expect((await w.services.merchants.baleBots()).map((b) => [b.merchantId, b.token])).toEqual([[id, '111222:FirstBaleToken_abcdefgh']]);
    expect(await w.services.merchants.telegramBots()).toEqual([]);

    // Started again with both tokens (the Bale one changed): the same merchant, nothing printed again.
    const again = await prepareDefaultMerchant(
      containerWith({ BALE_BOT_TOKEN: '111222:SecondBaleToken_abcdefg', TELEGRAM_BOT_TOKEN: '333444:TelegramTokenAbcdefghijklmnop' }),
    );
    expect(again).toBeNull();
    expect((await w.services.merchants.baleBots()).map((b) => [b.merchantId, b.token])).toEqual([[id, '111222:SecondBaleToken_abcdefg']]);
    expect((await w.services.merchants.telegramBots()).map((b) => b.merchantId)).toEqual([id]);
  });
});
