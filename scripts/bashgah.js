#!/usr/bin/env node
// `npx bashgah …`: the CLI, compiled (dist/, after `npm run build`; what the Docker image has)
// or else from its TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
