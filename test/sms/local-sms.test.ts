import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSms } from '../../src/channels/sms/local/local-sms.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bashgah-sms-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the local SMS line', () => {
  it('keeps an inbox per phone (any way of writing it), hands answers on as inbound SMS, and survives a restart', async () => {
    const file = join(dir, 'local-sms.json');
    const line = new LocalSms({ stateFile: file });
    const { providerMessageId } = await line.send({ phone: '+989121234567', text: 'سلام' });
    line.reply('۰۹۱۲۱۲۳۴۵۶۷', 'لغو۱۱');
    expect((await line.messages('09121234567', 0)).map((m) => [m.direction, m.text])).toEqual([
      ['out', 'سلام'],
      ['in', 'لغو۱۱'],
    ]);
    expect(await line.inbound()).toEqual([{ from: '۰۹۱۲۱۲۳۴۵۶۷', text: 'لغو۱۱' }]);
    expect(await line.inbound()).toEqual([]);
    expect(await line.reports([providerMessageId])).toEqual([{ providerMessageId, outcome: 'delivered', detail: 'local' }]);
    line.flush();

    const again = new LocalSms({ stateFile: file });
    expect(again.phones()).toEqual(['+989121234567']);
    await again.send({ phone: '+989121234567', text: 'دوباره' });
    expect((await again.messages('+989121234567', 2)).map((m) => [m.id, m.text])).toEqual([[3, 'دوباره']]);
  });

  it('a long poll returns as soon as a message arrives', async () => {
    const line = new LocalSms();
    const waiting = line.messages('09120000001', 0, 10_000);
    await line.send({ phone: '+989120000001', text: 'hi' });
    expect((await waiting).map((m) => m.text)).toEqual(['hi']);
  });
});
