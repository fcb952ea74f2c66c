import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/lib/secret-box.js';
import { resolveEncryptionKey } from '../../src/lib/encryption-key.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('hex'));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = box.seal('whsec_abc');
    const b = box.seal('whsec_abc');
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_abc');
    expect(box.open(a)).toBe('whsec_abc');
    expect(box.open(b)).toBe('whsec_abc');
  });

  it('refuses tampered text and another key', () => {
    const sealed = box.seal('123:token');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('forged').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('hex')).open(sealed)).toThrow();
  });
});

describe('resolveEncryptionKey', () => {
  it('creates a key file once and reads it back afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bashgah-key-'));
    try {
      const first = resolveEncryptionKey(undefined, dir);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(resolveEncryptionKey(undefined, dir)).toBe(first);
      expect((await readFile(join(dir, 'encryption.key'), 'utf8')).trim()).toBe(first);
      expect(resolveEncryptionKey('ab'.repeat(32), dir)).toBe('ab'.repeat(32));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
