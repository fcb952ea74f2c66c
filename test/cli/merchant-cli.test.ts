import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/domain/merchants/credentials.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { createServices } from '../../src/app/container.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { runNode } from '../helpers/process.js';

let db: TestDatabase;
let dataDir: string;
const key = randomBytes(32).toString('hex');
const cli = (...args: string[]) => runNode('src/cli/main.ts', args, { DATABASE_URL: db.url, ENCRYPTION_KEY: key, DATA_DIR: dataDir });

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'bashgah-cli-'));
});

afterAll(async () => {
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('bashgah merchant', () => {
  it('create --json prints exactly one JSON object and stores the key hashed, the secret sealed', async () => {
    const res = await cli('merchant', 'create', '--name', 'Kafe Tehran', '--json');
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(Object.keys(out).sort()).toEqual(['apiKey', 'id', 'name', 'webhookSecret']);
    expect(out.name).toBe('Kafe Tehran');
    expect(out.apiKey).toMatch(/^bgk_[A-Za-z0-9_-]{43}$/);

    const row = (await db.pool.query('SELECT webhook_secret_enc FROM merchants WHERE id = $1', [out.id])).rows[0];
    expect(row.webhook_secret_enc).not.toContain(out.webhookSecret);
    expect(new SecretBox(key).open(row.webhook_secret_enc)).toBe(out.webhookSecret);
    const keys = (await db.pool.query('SELECT hash FROM api_keys WHERE merchant_id = $1', [out.id])).rows;
    expect(keys).toEqual([{ hash: hashApiKey(out.apiKey) }]);
    expect(JSON.stringify(keys)).not.toContain(out.apiKey);
  });

  it('list shows merchants without their secrets', async () => {
    const created = JSON.parse((await cli('merchant', 'create', '--name', 'Shop Two', '--json')).stdout);
    const res = await cli('merchant', 'list', '--json');
    expect(res.code).toBe(0);
    const list = JSON.parse(res.stdout);
    expect(list.map((m: { name: string }) => m.name)).toEqual(expect.arrayContaining(['Kafe Tehran', 'Shop Two']));
    expect(res.stdout).not.toContain(created.apiKey);
    expect(res.stdout).not.toContain(created.webhookSecret);
  });

  it('rotate-key replaces the key: the old one is revoked', async () => {
    const created = JSON.parse((await cli('merchant', 'create', '--name', 'Rotate Me', '--json')).stdout);
    const res = await cli('merchant', 'rotate-key', created.id, '--json');
    expect(res.code).toBe(0);
    const { apiKey } = JSON.parse(res.stdout);
    expect(apiKey).not.toBe(created.apiKey);
    const rows = (await db.pool.query('SELECT hash, revoked_at FROM api_keys WHERE merchant_id = $1', [created.id])).rows;
    const live = rows.filter((r) => r.revoked_at === null).map((r) => r.hash);
    expect(live).toEqual([hashApiKey(apiKey)]);
    expect(rows.find((r) => r.hash === hashApiKey(created.apiKey))?.revoked_at).toBeInstanceOf(Date);
  });

  it('explains bad usage and unknown merchants on stderr with a non-zero exit', async () => {
    const missing = await cli('merchant', 'create', '--json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--name is required');
    expect(missing.stdout).toBe('');
    const unknown = await cli('merchant', 'rotate-key', '00000000-0000-0000-0000-000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No merchant with id');
  });

  it('whatsapp puts a club on a WhatsApp number (any way it is written), refuses a taken or bad one, and takes it off', async () => {
    const merchants = createServices(db, new SecretBox(key)).merchants;
    const [a, b] = [await merchants.create({ name: 'WA One' }), await merchants.create({ name: 'WA Two' })];
    const set = await cli('merchant', 'whatsapp', a.id, '۰۹۱۲ ۳۳۳ ۴۴۵۵', '--json');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ id: a.id, whatsappNumber: '+989123334455' });
    const taken = await cli('merchant', 'whatsapp', b.id, '+989123334455');
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toContain('Another merchant already uses this WhatsApp number');
    const bad = await cli('merchant', 'whatsapp', b.id, '12345');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('WhatsApp number must be a mobile number');
    expect((await merchants.get(a.id)).whatsappNumber).toBe('+989123334455');
    expect((await cli('merchant', 'whatsapp', a.id, 'off')).code).toBe(0);
    expect((await db.pool.query('SELECT whatsapp_number FROM merchants WHERE id = $1', [a.id])).rows[0].whatsapp_number).toBeNull();
  });

  it('create --bale-token and bale <id> <token|off> give a club a Bale bot (its token sealed) and take it away', async () => {
    const merchants = createServices(db, new SecretBox(key)).merchants;
    const token = '1234567890:BaleTokenAbcdefghijklmnop';
    const created = JSON.parse((await cli('merchant', 'create', '--name', 'Bale Shop', '--bale-token', token, '--json')).stdout);
    const row = (await db.pool.query('SELECT bale_token_enc, telegram_token_enc FROM merchants WHERE id = $1', [created.id])).rows[0];
    expect(row.telegram_token_enc).toBeNull();
    expect(row.bale_token_enc).not.toContain(token);
    expect(new SecretBox(key).open(row.bale_token_enc)).toBe(token);
    expect((await merchants.baleBots()).map((b) => [b.merchantId, b.token])).toContainEqual([created.id, token]);
    expect((await merchants.telegramBots()).some((b) => b.merchantId === created.id)).toBe(false);
    expect((await merchants.get(created.id)).hasBaleToken).toBe(true);

    const other = await merchants.create({ name: 'Later on Bale' });
    const set = await cli('merchant', 'bale', other.id, '987654:AnotherBaleToken_12345', '--json');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ id: other.id, bale: true });
    expect((await merchants.baleBots()).find((b) => b.merchantId === other.id)?.token).toBe('987654:AnotherBaleToken_12345');
    const bad = await cli('merchant', 'bale', other.id, 'not-a-token');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Bale token must look like');
    expect((await cli('merchant', 'bale', other.id, 'off')).code).toBe(0);
    expect((await merchants.baleBots()).some((b) => b.merchantId === other.id)).toBe(false);
  }, 120_000); // four CLI processes, each compiling on start
});
