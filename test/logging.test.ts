import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildHttpServer } from '../src/http/server.js';
import { createLogger } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', { destination: stream }), text: () => lines.join('') };
}

describe('logs', () => {
  it('carry no member phone and no credential from a request', async () => {
    const { logger, text } = capture();
    const app = await buildHttpServer({ logger, checks: { postgres: async () => {}, redis: async () => {} } });
    const persianPhone = encodeURIComponent('۰۹۱۲ ۱۲۳ ۴۵۶۷');
    await app.inject({
      method: 'GET',
      url: `/v1/members/by-phone/+989121234567?phone=${persianPhone}&other=0912-765-4321`,
      headers: { authorization: 'Bearer bsk_live_secretkey123' },
    });
    await app.inject({ method: 'POST', url: '/bot123456:AAHsecretBotToken_x/getMe?api_key=apikeysecret' });
    logger.info(
      { req: { headers: { authorization: 'Bearer bsk_live_secretkey123' } }, phone: '+989121234567' },
      'member +989121234567 joined',
    );
    logger.error({ err: new Error('no member 09121234567 for /bot123456:AAHsecretBotToken_x/') }, 'request failed');
    await app.close();
    const out = text();
    expect(out).toContain('incoming request');
    expect(out).toContain('/v1/members/by-phone/');
    for (const secret of ['9121234567', '1234567', '۱۲۳', '7654321', 'secretkey123', 'secretBotToken', 'apikeysecret'])
      expect(out).not.toContain(secret);
  });
});
