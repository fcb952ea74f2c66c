import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

/** Served from npm packages and this folder: the panel needs no CDN and works offline. */
const FILES = {
  'htmx.min.js': { file: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'vazirmatn.woff2': {
    file: resolve(require.resolve('vazirmatn/package.json'), '..', 'fonts/webfonts/Vazirmatn[wght].woff2'),
    type: 'font/woff2',
  },
  'panel.css': { file: resolve(import.meta.dirname, 'panel.css'), type: 'text/css; charset=utf-8' },
  'panel-pages.css': { file: resolve(import.meta.dirname, 'panel-pages.css'), type: 'text/css; charset=utf-8' },
} as const;

export async function panelAssets(app: FastifyInstance) {
  for (const [name, { file, type }] of Object.entries(FILES)) {
    const body = readFileSync(file);
    app.get(`/assets/${name}`, { config: { panelPublic: true } }, async (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=3600').send(body),
    );
  }
}
