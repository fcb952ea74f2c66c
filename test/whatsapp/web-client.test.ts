import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumPath, WebWhatsAppClient } from '../../src/channels/whatsapp/web-client.js';
import type { WhatsAppState } from '../../src/channels/whatsapp/client.js';
import { createLogger } from '../../src/logger.js';
import { waitFor } from '../helpers/process.js';

const chromium = chromiumPath();
if (!chromium)
  console.warn('Skipping the whatsapp-web.js test: no Chromium (apt-get install -y chromium, or set PUPPETEER_EXECUTABLE_PATH)');

let dataDir: string | undefined;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const running = (dir: string) => {
  try {
    return execFileSync('pgrep', ['-f', dir]).toString().trim().length > 0;
  } catch {
    return false;
  }
};

describe.skipIf(!chromium)('the real WhatsApp adapter (whatsapp-web.js)', () => {
  it('launches the system Chromium headless with a LocalAuth session folder and heads for pairing; stops cleanly', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bashgah-wa-'));
    const states: WhatsAppState[] = [];
    const client = new WebWhatsAppClient({
      clientId: 'test-club',
      dataDir,
      executablePath: chromium!,
      logger: createLogger('silent'),
      onState: (s) => states.push(s),
      retryMs: 60_000,
    });
    await client.start();
    const session = join(dataDir, 'whatsapp', 'session-test-club');
    expect(states.slice(0, 2)).toEqual(['launching', 'connecting']);
    expect(existsSync(session)).toBe(true); // Chromium's profile: where the paired session lives across restarts
    expect(running(session)).toBe(true);

    // With internet WhatsApp Web shows a QR (pairing); here it cannot be reached, so the adapter
    // closes the browser and waits to retry. Either way it says so and nothing crashes.
    const deadline = Date.now() + 60_000;
    while (!['pairing', 'offline'].includes(client.state()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(['pairing', 'offline']).toContain(client.state());
    if (client.state() === 'pairing') expect(client.pairingQr()).toBeTruthy();
    await expect(client.sendText('989121234567@c.us', 'hi')).rejects.toMatchObject({ kind: 'not_ready' });

    await client.stop();
    expect(client.state()).toBe('stopped');
    await waitFor(async () => (running(session) ? undefined : true), 10_000); // Chromium's exit is signalled, not awaited
  }, 90_000);
});
