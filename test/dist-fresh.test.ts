import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script (npx bashgah and npm start share it), no types
import { distIsFresh } from '../scripts/dist-fresh.mjs';

// npx bashgah runs dist/ only while it holds the current sources; npm start rebuilds otherwise.
describe('dist freshness (npx bashgah, npm start)', () => {
  let root = '';
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function checkout(opts: { src: boolean; built?: Date; edited?: Date }) {
    root = `${await mkdtemp(join(tmpdir(), 'bashgah-fresh-'))}/`;
    if (opts.src) {
      await mkdir(`${root}src/cli`, { recursive: true });
      await writeFile(`${root}src/cli/main.ts`, 'export {};\n');
      if (opts.edited) await utimes(`${root}src/cli/main.ts`, opts.edited, opts.edited);
    }
    if (opts.built) {
      await mkdir(`${root}dist`, { recursive: true });
      await writeFile(`${root}dist/.built`, 'stamp\n');
      await utimes(`${root}dist/.built`, opts.built, opts.built);
    }
  }

  // Directories count too (a deleted file changes its folder): they are created now, so stamps
  // and edits are placed an hour either side of now.
  const hour = 3_600_000;
  const at = (hours: number) => new Date(Date.now() + hours * hour);

  it('a checkout edited after its last build runs from source, not the stale dist', async () => {
    await checkout({ src: true, built: at(1), edited: at(2) });
    expect(distIsFresh(root)).toBe(false);
  });

  it('a build newer than every source is used', async () => {
    await checkout({ src: true, built: at(2), edited: at(1) });
    expect(distIsFresh(root)).toBe(true);
  });

  it('never built: from source; an image with dist and no src: dist', async () => {
    await checkout({ src: true });
    expect(distIsFresh(root)).toBe(false);
    await rm(root, { recursive: true, force: true });
    await checkout({ src: false, built: at(-1) });
    expect(distIsFresh(root)).toBe(true);
  });
});
