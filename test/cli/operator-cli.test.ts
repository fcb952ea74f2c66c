import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashInviteCode } from '../../src/domain/admin/operator-service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { runNode } from '../helpers/process.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { Redis } from 'ioredis';
import { hashPanelToken } from '../../src/domain/admin/panel-access.js';

let db: TestDatabase;
let dataDir: string;
const key = randomBytes(32).toString('hex');
const redisPrefix = `bashgah-test-${randomBytes(5).toString('hex')}`;
const cli = (...args: string[]) =>
  runNode('src/cli/main.ts', args, { DATABASE_URL: db.url, ENCRYPTION_KEY: key, DATA_DIR: dataDir, REDIS_PREFIX: redisPrefix });

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'bashgah-op-'));
});
afterAll(async () => {
  const redis = new Redis(TEST_REDIS_URL);
  const keys = await redis.keys(`${redisPrefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('bashgah operator', () => {
  it('invite prints a one-time code for the bot, stored only as a hash; bad roles and merchants are refused', async () => {
    const merchant = JSON.parse((await cli('merchant', 'create', '--name', 'Kafe', '--json')).stdout);
    const res = await cli('operator', 'invite', merchant.id, '--role', 'cashier', '--branch', 'Vanak', '--json');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ role: 'cashier', branch: 'Vanak', code: expect.stringMatching(/^[A-Z2-9]{10}$/) });
    expect(new Date(out.expiresAt).getTime() - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const rows = await db.pool.query('SELECT code_hash, role, branch FROM operator_invites WHERE merchant_id = $1', [merchant.id]);
    expect(rows.rows).toEqual([{ code_hash: hashInviteCode(out.code), role: 'cashier', branch: 'Vanak' }]);

    const human = await cli('operator', 'invite', merchant.id, '--role', 'owner');
    expect(human.stdout).toMatch(/^\/admin [A-Z2-9]{10}\n$/);
    expect(human.stderr).toContain('One use, until');

    const noBranch = await cli('operator', 'invite', merchant.id, '--role', 'cashier');
    expect(noBranch.code).toBe(1);
    expect(noBranch.stderr).toContain('A cashier works in a branch');
    expect((await cli('operator', 'invite', merchant.id, '--role', 'king')).stderr).toContain(
      'role must be one of owner, manager, cashier',
    );
    expect((await cli('operator', 'invite', '00000000-0000-0000-0000-000000000000', '--role', 'owner')).code).toBe(1);
    expect((await cli('operator', 'list', merchant.id)).stdout).toBe('No operators yet.\n');
  }, 90_000); // seven CLI processes, each several seconds on a loaded 2-core machine

  it('panel-link prints a one-time web panel link for an operator (by id or Telegram id), kept in Redis only as a hash for 10 minutes', async () => {
    const merchant = JSON.parse((await cli('merchant', 'create', '--name', 'Kafe', '--json')).stdout);
    const { rows } = await db.pool.query(
      "INSERT INTO operators (id, merchant_id, role, display_name, telegram_user_id) VALUES (gen_random_uuid(), $1, 'manager', 'Sara', 5551) RETURNING id",
      [merchant.id],
    );
    const res = await cli('operator', 'panel-link', merchant.id, rows[0].id, '--json');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ operatorId: rows[0].id, role: 'manager' });
    const token = /^http:\/\/localhost:3000\/panel\/sign-in\?token=([A-Za-z0-9_-]{43})$/.exec(out.url)![1]!;
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const ttl = await redis.pttl(`${redisPrefix}:panel:link:${hashPanelToken(token)}`);
      expect(ttl).toBeGreaterThan(9 * 60_000);
      expect(ttl).toBeLessThanOrEqual(10 * 60_000);
      expect(await redis.keys(`*${token}*`)).toEqual([]);
    } finally {
      await redis.quit();
    }
    const byTelegram = await cli('operator', 'panel-link', merchant.id, '5551');
    expect(byTelegram.stdout).toMatch(/^http:\/\/localhost:3000\/panel\/sign-in\?token=[A-Za-z0-9_-]{43}\n$/);
    expect(byTelegram.stderr).toContain('One use, until');
    const nobody = await cli('operator', 'panel-link', merchant.id, '42');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('No active operator 42');
  }, 90_000);
});
