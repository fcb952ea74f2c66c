// npm run build: compiles src/ (and the generated Prisma client in src/generated) to dist/ with
// tsc, then copies the files the code reads next to itself (the playground's HTML and CSS).
// Paths outside src (locales/, prisma/) resolve from dist/ the same way: dist mirrors src's depth.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './dist-fresh.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const ASSETS = new Set(['.html', '.css']);
const STAMP = `${root}dist/.built`;

// `npm start` builds first (prestart) unless dist is newer than every source.
if (process.argv.includes('--if-stale') && distIsFresh(root)) process.exit(0);

if (!existsSync(`${root}src/generated/prisma`)) {
  const gen = spawnSync(process.execPath, [`${root}scripts/db/generate.mjs`], { stdio: 'inherit' });
  if (gen.status !== 0) process.exit(gen.status ?? 1);
}
rmSync(`${root}dist`, { recursive: true, force: true });
const ts = require.resolve('typescript/package.json');
const tscBin = new URL(require(ts).bin.tsc, `file://${ts}`);
const tsc = spawnSync(process.execPath, [fileURLToPath(tscBin), '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
cpSync(`${root}src`, `${root}dist`, {
  recursive: true,
  filter: (src) => !extname(src) || ASSETS.has(extname(src)),
});
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
