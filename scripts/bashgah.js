#!/usr/bin/env node
// `npx bashgah …`: the CLI, compiled (dist/, after `npm run build`; what the Docker image has)
// when dist holds the current sources, or else from its TypeScript sources through tsx (a
// checkout edited since its last build must not run yesterday's CLI).
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './dist-fresh.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
if (distIsFresh(root)) {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
