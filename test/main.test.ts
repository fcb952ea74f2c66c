import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/db.js';
import { collect, freePort, ROOT, runNode, waitFor } from './helpers/process.js';

let db: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'bashgah-main-'));
});

afterAll(async () => {
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    ...extra,
  };
}

describe('the bashgah process', () => {
  it('starts in demo mode, answers health checks, and exits 0 on SIGTERM without a stack trace', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env({ PORT: String(port), HOST: '127.0.0.1' }) },
    });
    const finished = collect(child);
    const base = `http://127.0.0.1:${port}`;
    const health = await waitFor(() => fetch(`${base}/healthz`).then((r) => r.json()));
    expect(health).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);

    const creds = JSON.parse(await waitFor(() => readFile(join(dataDir, 'demo-merchant.json'), 'utf8')));
    const merchants = await db.pool.query('SELECT id, is_default FROM merchants');
    expect(merchants.rows).toEqual([{ id: creds.id, is_default: true }]);

    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const { code, stderr, stdout } = await finished;
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(stderr).toContain(creds.apiKey);
    expect(stderr).toContain('X-Bashgah-Signature: v1=$SIG');
    expect(stdout + stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('is compiled by npm run build, and node dist/main.js starts the demo club: health, locales and the playground page', async () => {
    // As `npm start` does (prestart): build unless dist is newer than src.
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr + build.stdout).toBe(0);

    const port = await freePort();
    const fresh = await createTestDatabase();
    const freshDir = await mkdtemp(join(tmpdir(), 'bashgah-dist-'));
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: { ...process.env, ...env({ DATABASE_URL: fresh.url, DATA_DIR: freshDir, PORT: String(port), HOST: '127.0.0.1' }) },
    });
    const finished = collect(child);
    try {
      const base = `http://127.0.0.1:${port}`;
      expect(await waitFor(() => fetch(`${base}/healthz`).then((r) => r.json()), 60_000)).toEqual({ status: 'ok' });
      const page = await fetch(`${base}/playground`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
    } finally {
      child.kill('SIGTERM');
    }
    const { code, stderr } = await finished;
    await fresh.drop();
    await rm(freshDir, { recursive: true, force: true });
    expect(code, stderr).toBe(0);
    // The demo banner is printed in Persian and English from locales/ (found from dist/ too).
    expect(stderr).toContain('/playground');
  }, 240_000);

  it('stops with one clear line when PORT is not a number', async () => {
    const res = await runNode('src/main.ts', [], env({ PORT: 'abc' }));
    expect(res.code).not.toBe(0);
    expect(res.stderr.trim()).toBe('Invalid configuration: PORT must be a port number (got "abc")');
  });

  it('stops with one clear line when DATABASE_URL is malformed or unreachable', async () => {
    const malformed = await runNode('src/main.ts', [], env({ DATABASE_URL: 'mysql://root@127.0.0.1/shop' }));
    expect(malformed.code).not.toBe(0);
    expect(malformed.stderr.trim().split('\n')).toHaveLength(1);
    expect(malformed.stderr).toContain('DATABASE_URL');

    const unreachable = await runNode('src/main.ts', [], env({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/bashgah' }));
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(
      /^Cannot prepare PostgreSQL at postgresql:\/\/postgres@127\.0\.0\.1:1\/bashgah \(DATABASE_URL\): .*ECONNREFUSED/,
    );
  });
});

describe('a first production start with no route to Telegram', () => {
  it("prints the new merchant's credentials at once, and /readyz answers 503 naming the bot", async () => {
    // A Bot API that accepts connections and never answers, as when packets to Telegram are dropped.
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => void sockets.add(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const apiRoot = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const port = await freePort();
    const fresh = await createTestDatabase();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env({
          DATABASE_URL: fresh.url,
          PORT: String(port),
          HOST: '127.0.0.1',
          TELEGRAM_BOT_TOKEN: '7654321:AAnoRouteToTelegramXYZ123',
          TELEGRAM_API_ROOT: apiRoot,
          LOG_LEVEL: 'warn',
        }),
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const finished = collect(child);
    try {
      const startedAt = Date.now();
      const apiKey = await waitFor(async () => /API key:\s+(\S+)/.exec(stderr)?.[1], 30_000);
      const merchants = await fresh.pool.query('SELECT id FROM merchants WHERE is_default');
      expect(stderr).toContain(merchants.rows[0].id);
      // Printed without waiting on Telegram (start-up itself takes a few seconds on a busy machine).
      expect(Date.now() - startedAt).toBeLessThan(20_000);
      const ready = await waitFor(() => fetch(`http://127.0.0.1:${port}/readyz`), 20_000);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { failed: string[]; checks: Record<string, string> };
      expect(body.failed).toEqual(['telegram']);
      expect(body.checks.telegram).toMatch(/bot 7654321 .*cannot reach its Bot API/);
      expect(JSON.stringify(body)).not.toContain('AAnoRouteToTelegram');
      // The merchant API works meanwhile.
      expect((await fetch(`http://127.0.0.1:${port}/v1/settings`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      const { code } = await finished;
      for (const socket of sockets) socket.destroy();
      silent.close();
      await fresh.drop();
      expect(code, stderr).toBe(0);
    }
  }, 60_000);
});
