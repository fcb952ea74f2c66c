import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { demoShortLinkTargets } from '../../src/app/api-role.js';
import { LocalBotApi } from '../../src/channels/telegram/local/local-bot-api.js';
import { botInviteLink, botStartLink } from '../../src/chat/deep-links.js';
import { createTestApi, type TestApi } from '../helpers/http.js';

// The demo's bots, as the built-in Bot APIs know them once the bots have called them.
const telegram = new LocalBotApi({ deliver: async () => {} });
const bale = new LocalBotApi({ deliver: async () => {} });
const tgBot = telegram.bot('111111:demo-telegram').username;
const baleBot = bale.bot('222222:demo-bale').username;

let demo: TestApi;
let production: TestApi;

beforeAll(async () => {
  demo = await createTestApi({ localLinks: demoShortLinkTargets({ config: parseConfig({}), localBotApi: telegram, localBaleApi: bale }) });
  // A real bot token: the club's bots are on Telegram, even if a local Bot API object were around.
  production = await createTestApi({
    world: { w: demo.w, r: demo.r },
    localLinks: demoShortLinkTargets({ config: parseConfig({ TELEGRAM_BOT_TOKEN: '123:abc' }), localBotApi: telegram }),
  });
});

afterAll(async () => {
  await production?.close();
  await demo?.close();
});

/** Shortens `url` for the test merchant and follows `/j/<code>` once: the redirect's status and Location. */
async function follow(t: TestApi, url: string) {
  const short = await t.w.services.shortLinks.shorten(t.merchant.id, url);
  const res = await t.app.inject({ method: 'GET', url: new URL(short).pathname });
  return { status: res.statusCode, location: res.headers.location };
}

describe('/j/<code> short links', () => {
  it("in demo mode a local bot's t.me link opens the playground with that bot and deep link ready", async () => {
    expect(await follow(demo, botInviteLink('telegram', tgBot, 'ABC123'))).toEqual({
      status: 302,
      location: `/playground?bot=${tgBot}&start=r_ABC123`,
    });
    expect(await follow(demo, botStartLink('telegram', tgBot, 's_sms'))).toEqual({
      status: 302,
      location: `/playground?bot=${tgBot}&start=s_sms`,
    });
  });

  it("in demo mode a local Bale bot's ble.ir link opens the playground's Bale tab", async () => {
    expect(await follow(demo, botInviteLink('bale', baleBot, 'XYZ789'))).toEqual({
      status: 302,
      location: `/playground/bale?bot=${baleBot}&start=r_XYZ789`,
    });
  });

  it('in demo mode links to anything else go where they point: a bot the local Bot API does not know, wa.me, a link without a payload', async () => {
    for (const url of [
      'https://t.me/some_real_shop_bot?start=r_ABC123',
      `https://ble.ir/${tgBot}?start=r_ABC123`, // a Telegram bot's name on Bale is not that bot
      'https://wa.me/989000000000?text=join',
      `https://t.me/${tgBot}`,
    ])
      expect(await follow(demo, url)).toEqual({ status: 302, location: url });
  });

  it('with a real bot token the redirect stays on t.me', async () => {
    expect(demoShortLinkTargets({ config: parseConfig({ TELEGRAM_BOT_TOKEN: '123:abc' }), localBotApi: undefined })).toBeUndefined();
    const url = botInviteLink('telegram', tgBot, 'ABC123');
    expect(await follow(production, url)).toEqual({ status: 302, location: url });
  });

  it('an unknown code is 404', async () => {
    const res = await demo.app.inject({ method: 'GET', url: '/j/NoSuchCode' });
    expect(res.statusCode).toBe(404);
  });
});
