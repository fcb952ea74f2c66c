import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/process.js';

const run = promisify(execFile);
const OXLINT = join(ROOT, 'node_modules/.bin/oxlint');
const dirs: string[] = [];

interface Finding {
  filename: string;
  message: string;
  help?: string;
}

/**
 * Lints a made-up tree laid out like the project's src/ with the project's own .oxlintrc.json
 * (its rules match paths relative to the config), as `npm run lint` does.
 */
async function lint(files: Record<string, string>): Promise<{ exitCode: number; findings: Finding[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'bashgah-lint-'));
  dirs.push(dir);
  await copyFile(join(ROOT, '.oxlintrc.json'), join(dir, '.oxlintrc.json'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const out = await run(OXLINT, ['--deny-warnings', '-f', 'json', 'src'], { cwd: dir }).then(
    (r) => ({ exitCode: 0, stdout: r.stdout }),
    (err: { code: number; stdout: string }) => ({ exitCode: err.code, stdout: err.stdout }),
  );
  return { exitCode: out.exitCode, findings: (JSON.parse(out.stdout) as { diagnostics: Finding[] }).diagnostics };
}

const inFile = (findings: Finding[], filename: string) => findings.filter((f) => f.filename === filename);

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('the layering lint', () => {
  it('fails on a framework or an outer layer imported by domain, a channel imported by chat or jobs, and the app imported by http', async () => {
    const { exitCode, findings } = await lint({
      'src/domain/members/frameworks.ts': [
        "import { Bot } from 'grammy';",
        "import { Queue } from 'bullmq';",
        "import { Redis } from 'ioredis';",
        "import { Pool } from 'pg';",
        "import { PrismaClient } from '@prisma/client';",
        "import Fastify from 'fastify';",
        "import { Client } from 'whatsapp-web.js';",
        'export const all = [Bot, Queue, Redis, Pool, PrismaClient, Fastify, Client];',
      ].join('\n'),
      'src/domain/members/outer-layer.ts': "import { createDatabase } from '../../db/client.js';\nexport const db = createDatabase;\n",
      'src/chat/screens/telegram-keyboard.ts':
        "import { inlineKeyboard } from '../../channels/telegram/render.js';\nexport const kb = inlineKeyboard;\n",
      'src/jobs/whatsapp-send.ts': "export { sendWhatsApp } from '../channels/whatsapp/whatsapp-channel.js';\n",
      'src/jobs/telegram-api.ts': "import type { Api } from 'grammy';\nexport type BotApi = Api;\n",
      'src/http/container-type.ts': "import type { Services } from '../app/container.js';\nexport type S = Services;\n",
    });

    expect(exitCode).not.toBe(0);
    expect(findings.every((f) => f.message.includes('import is restricted'))).toBe(true);
    expect(inFile(findings, 'src/domain/members/frameworks.ts')).toHaveLength(7);
    expect(inFile(findings, 'src/domain/members/frameworks.ts')[0]!.help).toContain('src/domain imports only src/domain, src/lib');
    expect(inFile(findings, 'src/domain/members/outer-layer.ts')).toHaveLength(1);
    expect(inFile(findings, 'src/chat/screens/telegram-keyboard.ts')[0]?.help).toContain('src/chat is the same for every messenger');
    expect(inFile(findings, 'src/jobs/whatsapp-send.ts')[0]?.help).toContain('src/jobs imports no channel');
    expect(inFile(findings, 'src/jobs/telegram-api.ts')[0]?.help).toContain('src/jobs imports no channel');
    expect(inFile(findings, 'src/http/container-type.ts')[0]?.help).toContain('src/http does not import src/app');
    expect(findings).toHaveLength(12);
  });

  it('passes what each layer may import: domain its own files, lib, zod and node; channels their frameworks and the ports in jobs', async () => {
    const { exitCode, findings } = await lint({
      'src/domain/members/fine.ts': [
        "import { z } from 'zod';",
        "import { randomUUID } from 'node:crypto';",
        "import { LRUCache } from 'lru-cache';",
        "import jalaali from 'jalaali-js';",
        "import { toLatinDigits } from '../../lib/digits.js';",
        "import type { LedgerLine } from '../ledger/types.js';",
        "import { rules } from './rules.js';",
        'export const all = [z, randomUUID, LRUCache, jalaali, toLatinDigits, rules] as unknown as LedgerLine;',
      ].join('\n'),
      'src/chat/screens/fine.ts': "import type { Member } from '../../domain/members/types.js';\nexport type M = Member;\n",
      'src/jobs/fine.ts':
        "import { Queue } from 'bullmq';\nimport { isLocale } from '../chat/i18n.js';\nexport const q = [Queue, isLocale];\n",
      'src/channels/telegram/fine.ts':
        "import { Bot } from 'grammy';\nimport type { DeliveryChannel } from '../../jobs/broadcast-sender.js';\nexport const b = Bot as unknown as DeliveryChannel;\n",
      'src/app/fine.ts': "import { telegramBroadcasts } from '../channels/telegram/delivery.js';\nexport const t = telegramBroadcasts;\n",
    });
    expect(findings).toEqual([]);
    expect(exitCode).toBe(0);
  });

  it("the project's own tree passes", async () => {
    const out = await run(OXLINT, ['--deny-warnings', 'src', 'test', 'scripts'], { cwd: ROOT }).then(
      () => 'clean',
      (err: { stdout: string }) => err.stdout,
    );
    expect(out).toBe('clean');
  });
});
