import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalWhatsApp } from '../../src/channels/whatsapp/local/local-whatsapp.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bashgah-wa-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function club(file: string) {
  const local = new LocalWhatsApp({ stateFile: file });
  const client = local.client('m1');
  client.onMessage(async (m) => void (await client.sendText(m.chatId, `echo: ${m.text}`)));
  await client.start();
  return local;
}

describe('the demo restarted: the local WhatsApp over its saved chats', () => {
  it('keeps every chat and numbers new messages after the old ones', async () => {
    const file = join(dir, 'local-whatsapp.json');
    const first = await club(file);
    await first.receive('m1', '09121234567', 'سلام');
    first.flush();

    const again = await club(file);
    expect((await again.messages('m1', '09121234567')).map((m) => m.text)).toEqual(['سلام', 'echo: سلام']);
    const replies = await again.receive('m1', '09121234567', 'منو');
    expect(replies.map((m) => m.text)).toEqual(['echo: منو']);
    const ids = (await again.messages('m1', '09121234567')).map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(4);
  });
});
