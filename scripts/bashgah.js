#!/usr/bin/env node
// `npx bashgah …`: the CLI, run from its TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
