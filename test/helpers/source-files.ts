import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every .ts file under a directory, generated code left out (for tests that read the sources). */
export async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'generated') out.push(...(await sourceFiles(path)));
    } else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}
