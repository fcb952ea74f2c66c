// A local Bot API in its own process, for benchmarks: `node --import tsx scripts/bench/local-bot-api.ts <port>`.
// Options by env: BENCH_OPEN_CHATS=1 (bots may write to any chat), BENCH_LIMITS="30,1" (msgs/s per bot, per chat).
import { LocalBotApi } from '../../src/channels/telegram/local/local-bot-api.js';
import { deliverToWebhook, startLocalBotApi } from '../../src/channels/telegram/local/routes.js';

const [perBot, perChat] = (process.env.BENCH_LIMITS ?? '').split(',').map(Number);
const api = new LocalBotApi({
  deliver: deliverToWebhook,
  openChats: process.env.BENCH_OPEN_CHATS === '1',
  limits: perBot ? { perBotPerSecond: perBot, perChatPerSecond: perChat || undefined } : undefined,
});
const server = await startLocalBotApi({ port: Number(process.argv[2] ?? 0), api });
process.stdout.write(`${server.apiRoot}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
