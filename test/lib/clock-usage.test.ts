import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/process.js';
import { sourceFiles } from '../helpers/source-files.js';
import { createTestWorld, newPhone, type TestWorld } from '../helpers/services.js';

/**
 * Business time comes from the injectable Clock (src/domain/clock.ts). These files may read the
 * real clock, this many times, because there it times caches, limiters, queues or stand-ins.
 */
const REAL_CLOCK_ALLOWED: Record<string, { count: number; why: string }> = {
  'src/domain/clock.ts': { count: 1, why: 'the system clock itself' },
  'src/db/repositories/merchant-auth-store.ts': { count: 2, why: 'secret cache TTL' },
  'src/db/repositories/settings-store.ts': { count: 2, why: 'settings cache TTL' },
  'src/domain/campaigns/campaign-service.ts': { count: 2, why: 'campaign rule cache TTL' },
  'src/chat/club-screens.ts': { count: 2, why: 'club name cache TTL' },
  'src/channels/whatsapp/notifier.ts': { count: 2, why: 'club numbers cache TTL' },
  'src/jobs/telegram-rate-limit.ts': { count: 1, why: 'rate limiter' },
  'src/jobs/whatsapp-rate-limit.ts': { count: 1, why: 'rate limiter' },
  'src/jobs/whatsapp-sender.ts': { count: 1, why: "BullMQ delays run on Redis's real time" },
  'src/jobs/broadcast-sender.ts': { count: 1, why: "BullMQ delays run on Redis's real time" },
  'src/jobs/sms-sender.ts': { count: 1, why: "BullMQ delays run on Redis's real time" },
  'src/jobs/broadcast-control.ts': { count: 1, why: 'unique id of a throttled progress job' },
  'src/http/auth/hooks.ts': { count: 1, why: "signature replay window against the shop's real clock" },
  'src/redis.ts': { count: 1, why: 'log throttling' },
  'src/channels/telegram/local/local-bot-api.ts': {
    count: 6,
    why: "stand-in for Telegram's servers and their clock; a lost state file numbers updates from the time",
  },
  'src/channels/whatsapp/local/local-whatsapp.ts': { count: 1, why: "stand-in for WhatsApp's servers and their clock" },
  'src/channels/telegram/telegram-channel.ts': { count: 2, why: 'a 5 s cache of whether the Bot API answers (readiness)' },
  'src/db/migrate/new-migration.ts': { count: 1, why: 'a new migration is named by the time a developer makes it (Prisma layout)' },
};

const REAL_CLOCK = /Date\.now\b|new Date\(\s*\)/g;

describe('the clock', () => {
  it('src reads the real clock (Date.now, new Date()) only in the allowed files, no more often than allowed', async () => {
    const found: Record<string, number> = {};
    for (const file of await sourceFiles(join(ROOT, 'src'))) {
      const n = (await readFile(file, 'utf8')).match(REAL_CLOCK)?.length ?? 0;
      if (n) found[relative(ROOT, file)] = n;
    }
    const tooMany = Object.entries(found)
      .filter(([file, n]) => n > (REAL_CLOCK_ALLOWED[file]?.count ?? 0))
      .map(([file, n]) => `${file}: ${n} real-clock read(s); read the injected Clock instead`);
    expect(tooMany).toEqual([]);
  });

  describe('business times follow the injected clock', () => {
    let w: TestWorld;
    let merchantId: string;
    beforeAll(async () => {
      w = await createTestWorld();
      merchantId = await w.newMerchant();
    });
    afterAll(() => w.close());

    it('a member joining and becoming unreachable is dated by the clock, and a birth date is judged by it', async () => {
      w.clock.set('2001-03-21T06:30:00Z');
      const { member } = await w.services.members.register({
        merchantId,
        phone: newPhone(),
        channel: 'telegram',
        externalUserId: '91001',
        chatId: '91001',
      });
      expect(member.joinedAt?.toISOString()).toBe('2001-03-21T06:30:00.000Z');

      w.clock.advance(60_000);
      await w.services.memberStore.markUnreachable(merchantId, 'telegram', '91001', true);
      const [identity] = await w.services.memberStore.identities(member.id);
      expect(identity!.unreachableAt?.toISOString()).toBe('2001-03-21T06:31:00.000Z');

      // Two years old on the club's clock (the real clock would make this person an adult).
      await expect(w.services.members.updateProfile(merchantId, member.id, { birthDate: new Date('1999-03-01') })).rejects.toMatchObject({
        code: 'invalid_birth_date',
      });
      w.clock.set('2030-01-01T00:00:00Z');
      await expect(w.services.members.updateProfile(merchantId, member.id, { birthDate: new Date('1999-03-01') })).resolves.toMatchObject({
        id: member.id,
      });
    });
  });
});
