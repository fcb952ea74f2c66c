import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { isLocale, translator } from '../chat/i18n.js';
import { verifyWebhookSignature } from '../http/auth/signature.js';
import type { Container } from './container.js';

const PAGE = readFileSync(resolve(import.meta.dirname, 'demo-endpoint.html'), 'utf8');
export const DEMO_ENDPOINT_PATH = '/playground/endpoint';
const KEEP = 100;

interface Received {
  n: number;
  receivedAt: string;
  event: string;
  delivery: string;
  verified: boolean;
  body: unknown;
}

const secretFile = (dataDir: string) => join(dataDir, 'demo-endpoint.json');

/**
 * Demo mode: the demo merchant's webhook endpoint for every event ("*") is this server's own
 * /playground/endpoint/receive, so a newcomer sees events arrive. The secret (shown once by the
 * API) is kept in DATA_DIR for the page to check signatures; without it the secret is rotated.
 */
export async function ensureDemoEndpoint(c: Container, merchantId: string): Promise<void> {
  const url = `http://127.0.0.1:${c.config.PORT}${DEMO_ENDPOINT_PATH}/receive`;
  const saved = await readFile(secretFile(c.config.DATA_DIR), 'utf8').then(
    (t) => JSON.parse(t) as { id: string; secret: string },
    () => null,
  );
  const existing = (await c.webhookEndpoints.list(merchantId)).find((e) => e.url === url);
  if (existing && saved?.id === existing.id) return;
  const { id, secret } = existing
    ? await c.webhookEndpoints.rotateSecret(merchantId, existing.id, 0)
    : await c.webhookEndpoints.create(merchantId, { url, events: ['*'], description: 'Playground merchant endpoint' });
  await mkdir(c.config.DATA_DIR, { recursive: true });
  await writeFile(secretFile(c.config.DATA_DIR), JSON.stringify({ id, secret }), { mode: 0o600 });
}

/** The receiver, its page and what it has received (the last 100, in this process's memory: a demo). */
export function demoEndpointRoutes(opts: { dataDir: string; tabs: (lang: string) => string }): FastifyPluginAsync {
  const received: Received[] = [];
  let n = 0;
  return async (app) => {
    app.post(`${DEMO_ENDPOINT_PATH}/receive`, { schema: { hide: true } }, async (request) => {
      const saved = await readFile(secretFile(opts.dataDir), 'utf8').then(
        (t) => JSON.parse(t) as { secret: string },
        () => null,
      );
      const header = (name: string) => request.headers[name] as string | undefined;
      const timestamp = header('x-bashgah-timestamp');
      const verified =
        saved !== null &&
        verifyWebhookSignature({
          secrets: [saved.secret],
          timestamp,
          header: header('x-bashgah-signature'),
          rawBody: request.rawBody ?? '',
          nowSeconds: Number(timestamp),
          toleranceSeconds: 0,
        }) === 'ok';
      received.push({
        n: ++n,
        receivedAt: new Date(Number(timestamp) * 1000 || 0).toISOString(),
        event: header('x-bashgah-event') ?? '?',
        delivery: header('x-bashgah-delivery') ?? '?',
        verified,
        body: request.body,
      });
      if (received.length > KEEP) received.shift();
      return { received: true };
    });
    app.get(`${DEMO_ENDPOINT_PATH}/deliveries`, { schema: { hide: true } }, async (request) => {
      const after = Number((request.query as { after?: string }).after ?? 0);
      const url = `${request.protocol}://${request.host}${DEMO_ENDPOINT_PATH}/receive`;
      return { url, deliveries: received.filter((r) => r.n > after) };
    });
    app.get(DEMO_ENDPOINT_PATH, { schema: { hide: true } }, async (request, reply) => {
      const lang = (request.query as { lang?: string }).lang;
      const locale = isLocale(lang) ? lang : 'fa';
      const strings = translator(locale)('playground', { returnObjects: true }) as Record<string, string>;
      const html = PAGE.replaceAll('__LANG__', locale)
        .replaceAll('__DIR__', locale === 'fa' ? 'rtl' : 'ltr')
        .replace('__TABS__', opts.tabs(locale))
        .replace('__STRINGS__', JSON.stringify(strings))
        .replace(/__([A-Z_]+)__/g, (_, key: string) => strings[key.toLowerCase()] ?? key);
      return reply.type('text/html; charset=utf-8').send(html);
    });
  };
}
