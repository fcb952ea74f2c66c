// Processes the benchmarks start beside the server: a free port for each, and the local Bot API.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  s.close();
  return port;
}

/** local-bot-api.ts in its own process (options by env, see there); resolves once it listens. */
export async function spawnLocalBotApi(env: Record<string, string> = {}): Promise<{ child: ChildProcess; apiRoot: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/local-bot-api.ts', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, apiRoot: line.toString().trim() };
}
