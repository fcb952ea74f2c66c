import { spawn } from 'node:child_process';
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
  return { DATABASE_URL: db.url, DATA_DIR: dataDir, ENCRYPTION_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'info', REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`, ...extra };
}

describe('the bashgah process', () => {
  it('starts in demo mode, answers health checks, and exits 0 on SIGTERM without a stack trace', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...process.env, ...env({ PORT: String(port), HOST: '127.0.0.1' }) } });
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
    expect(unreachable.stderr).toMatch(/^Cannot prepare PostgreSQL at postgresql:\/\/postgres@127\.0\.0\.1:1\/bashgah \(DATABASE_URL\): .*ECONNREFUSED/);
  });
});
