// npm run bench:bot — Telegram updates per second one process handles in webhook mode:
// 1,000 members press "💰 My balance"; every update is answered through a local Bot API that
// runs in its own process. Prints throughput and p50/p99 handling time (webhook request until
// the bot's answer was accepted by the Bot API).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { fmt, freshBenchDatabase, phoneFor } from './bench-db.js';
import { freePort, spawnLocalBotApi } from './processes.js';

const MEMBERS = 1_000;
const UPDATES = Number(process.env.BENCH_UPDATES ?? 10_000);

const bench = await freshBenchDatabase(10);
const children: ReturnType<typeof spawn>[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
try {
  const { services } = bench;
  const token = `${600_000_000 + Math.floor(Math.random() * 1e6)}:BENCH${randomBytes(16).toString('base64url')}`;
  const merchant = await services.merchants.create({ name: 'Bench Cafe', telegramToken: token });
  const secret = randomBytes(16).toString('hex');
  await services.merchants.setTelegramWebhookSecret(merchant.id, secret);
  for (let i = 0; i < MEMBERS; i++) {
    await services.members.register({
      merchantId: merchant.id,
      phone: phoneFor(i),
      channel: 'telegram',
      externalUserId: String(10_000 + i),
      chatId: String(10_000 + i),
    });
  }
  await bench.db.pool.query('ANALYZE');

  const botApi = await spawnLocalBotApi({ BENCH_OPEN_CHATS: '1' });
  children.push(botApi.child);

  const appPort = await freePort();
  const app = spawn(
    process.execPath,
    [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof-bot'] : []), '--import', 'tsx', 'src/main.ts'],
    {
      env: {
        ...process.env,
        ROLE: 'api',
        PORT: String(appPort),
        HOST: '127.0.0.1',
        DATABASE_URL: bench.url,
        ENCRYPTION_KEY: bench.encryptionKey,
        TELEGRAM_API_ROOT: botApi.apiRoot,
        TELEGRAM_BOT_TOKEN: token,
        PUBLIC_URL: `http://127.0.0.1:${appPort}`,
        LOG_LEVEL: 'warn',
        REDIS_PREFIX: `bench-bot-${randomBytes(3).toString('hex')}`,
        DATA_DIR: `/tmp/bashgah-bench-bot-${process.pid}`,
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'inherit', 'ignore'],
    },
  );
  children.push(app);
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${appPort}/healthz`)).ok) break;
    } catch {
      if (i > 300) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  let updateId = 1;
  const update = (k: number) => {
    const user = 10_000 + (k % MEMBERS);
    return JSON.stringify({
      update_id: updateId++,
      message: {
        message_id: k + 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user, type: 'private', first_name: 'Member' },
        from: { id: user, is_bot: false, first_name: 'Member', language_code: 'fa' },
        text: '💰 موجودی من',
      },
    });
  };
  const fire = async (count: number, connections: number) => {
    let i = 0;
    const started = performance.now();
    let last = started;
    const run = autocannon({
      url: `http://127.0.0.1:${appPort}`,
      connections,
      amount: count,
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            method: 'POST',
            path: `/telegram/${merchant.id}`,
            headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
            body: update(i++),
          }),
        },
      ],
    });
    run.on('response', () => (last = performance.now()));
    const result = await run;
    return { ...result, perSecond: count / ((last - started) / 1000) };
  };

  // A wrong secret must be refused before measuring anything.
  const refused = await fetch(`http://127.0.0.1:${appPort}/telegram/${merchant.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: update(0),
  });
  if (refused.status !== 401) throw new Error(`webhook without secret answered ${refused.status}`);

  await fire(2_000, 20);
  console.log(`bot benchmark: ${UPDATES} updates ("balance" from ${MEMBERS} members), webhook mode, one app process, Bot API in another`);
  console.log('concurrency | updates/s | p50 ms | p99 ms | non-2xx');
  for (const connections of [10, 50]) {
    const r = await fire(UPDATES, connections);
    console.log(
      `${String(connections).padStart(11)} | ${fmt(r.perSecond).padStart(9)} | ${fmt(r.latency.p50, 1).padStart(6)} | ${fmt(r.latency.p99, 1).padStart(6)} | ${String(r.non2xx).padStart(7)}`,
    );
  }
  // Every update must have been answered with a balance card: check one member's chat.
  const [bot] = (await (await fetch(`${botApi.apiRoot}/client/bots`)).json()) as { username: string }[];
  const chat = (await (await fetch(`${botApi.apiRoot}/client/${bot!.username}/chats/10000`)).json()) as {
    messages: { outgoing: boolean; text?: string }[];
  };
  const cards = chat.messages.filter((m) => m.outgoing && m.text?.includes('۰')).length;
  const expected = Math.ceil((2_000 + 2 * UPDATES) / MEMBERS);
  console.log(`answers in one member's chat: ${cards} of ${expected} updates sent to them`);
} finally {
  for (const c of children) {
    c.kill('SIGTERM');
    await once(c, 'exit').catch(() => {});
  }
  await bench.drop();
}
