import type pg from 'pg';
import { Prisma, type PrismaClient } from '../client.js';
import type { Member as MemberRow } from '../../generated/prisma/client.js';
import { forbidden } from '../../domain/errors.js';
import { generateCode, MEMBER_CODE_LENGTH, REFERRAL_CODE_LENGTH } from '../../domain/members/codes.js';
import type {
  ChannelIdentity,
  ChannelName,
  Member,
  MemberStatus,
  MemberStore,
  ProfileUpdate,
  RegisterInput,
  RegisterOutcome,
} from '../../domain/members/types.js';
import { isUuid } from './merchant-store.js';
import { clubSenders } from './club-senders.js';
import { outboxEvent } from '../../domain/events/catalog.js';
import type { Clock } from '../../domain/clock.js';

export function toMember(r: MemberRow): Member {
  return {
    id: r.id,
    merchantId: r.merchantId,
    phone: r.phone,
    memberCode: r.memberCode,
    referralCode: r.referralCode,
    firstName: r.firstName,
    lastName: r.lastName,
    birthDate: r.birthDate,
    gender: r.gender,
    city: r.city,
    sourceTag: r.sourceTag,
    referrerId: r.referrerId,
    status: r.status,
    optedOut: r.optedOut,
    locale: r.locale,
    preferredChannel: r.preferredChannel,
    tags: r.tags,
    tier: r.tier,
    balances: { points: Number(r.points), coins: Number(r.coins), credit: Number(r.credit) },
    debts: { points: Number(r.pointsDebt), coins: Number(r.coinsDebt), credit: Number(r.creditDebt) },
    pointsEarnedTotal: Number(r.pointsEarnedTotal),
    purchaseCount: r.purchaseCount,
    purchaseTotal: Number(r.purchaseTotal),
    lastPurchaseAt: r.lastPurchaseAt,
    createdAt: r.createdAt,
    joinedAt: r.joinedAt,
    joinedNew: r.joinedNew,
  };
}

export const MEMBER_COLUMNS = `m.id, m.merchant_id, m.phone, m.member_code, m.referral_code, m.first_name, m.last_name, m.birth_date,
  m.gender, m.city, m.source_tag, m.referrer_id, m.status, m.opted_out, m.locale, m.preferred_channel, m.tags, m.tier, m.points, m.coins, m.credit,
  m.points_debt, m.coins_debt, m.credit_debt, m.points_earned_total, m.purchase_count, m.purchase_total, m.last_purchase_at,
  m.created_at, m.joined_at, m.joined_new`;

/** A members row read with plain SQL (snake_case, bigint as text, date as Date at UTC midnight). */
export function rowToMember(r: Record<string, unknown>): Member {
  return {
    id: r.id as string,
    merchantId: r.merchant_id as string,
    phone: r.phone as string,
    memberCode: r.member_code as string,
    referralCode: r.referral_code as string,
    firstName: r.first_name as string | null,
    lastName: r.last_name as string | null,
    birthDate: r.birth_date as Date | null,
    gender: r.gender as Member['gender'],
    city: r.city as string | null,
    sourceTag: r.source_tag as string | null,
    referrerId: r.referrer_id as string | null,
    status: r.status as Member['status'],
    optedOut: r.opted_out as boolean,
    locale: r.locale as string | null,
    preferredChannel: r.preferred_channel as Member['preferredChannel'],
    tags: r.tags as string[],
    tier: r.tier as string,
    balances: { points: Number(r.points), coins: Number(r.coins), credit: Number(r.credit) },
    debts: { points: Number(r.points_debt), coins: Number(r.coins_debt), credit: Number(r.credit_debt) },
    pointsEarnedTotal: Number(r.points_earned_total),
    purchaseCount: r.purchase_count as number,
    purchaseTotal: Number(r.purchase_total),
    lastPurchaseAt: r.last_purchase_at as Date | null,
    createdAt: r.created_at as Date,
    joinedAt: r.joined_at as Date | null,
    joinedNew: r.joined_new as boolean,
  };
}

const isUniqueViolation = (err: unknown, field: string) =>
  err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002' && JSON.stringify(err.meta ?? {}).includes(field);

/** Inserts with fresh random codes, trying again on the rare collision of a generated code. */
async function withFreshCodes<T>(fn: (codes: { memberCode: string; referralCode: string }) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn({ memberCode: generateCode(MEMBER_CODE_LENGTH), referralCode: generateCode(REFERRAL_CODE_LENGTH) });
    } catch (err) {
      const collided =
        isUniqueViolation(err, 'member_code') ||
        isUniqueViolation(err, 'referral_code') ||
        (err as { code?: string; constraint?: string }).constraint?.match(/(member|referral)_code/);
      if (!collided || attempt >= 5) throw err;
    }
  }
}

export class PrismaMemberStore implements MemberStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
  ) {}

  // Member reads are on every bot update: plain SQL on the shared pool, one round trip each.
  private async one(where: string, params: unknown[]): Promise<Member | null> {
    const { rows } = await this.pool.query(`SELECT ${MEMBER_COLUMNS} FROM members m ${where} LIMIT 1`, params);
    return rows[0] ? rowToMember(rows[0]) : null;
  }

  async findById(merchantId: string, id: string) {
    if (!isUuid(id)) return null;
    return this.one('WHERE m.id = $1 AND m.merchant_id = $2', [id, merchantId]);
  }

  findByPhone(merchantId: string, phone: string) {
    return this.one('WHERE m.merchant_id = $1 AND m.phone = $2', [merchantId, phone]);
  }

  findByCode(merchantId: string, memberCode: string) {
    return this.one('WHERE m.merchant_id = $1 AND m.member_code = $2', [merchantId, memberCode]);
  }

  findByReferralCode(merchantId: string, referralCode: string) {
    return this.one('WHERE m.merchant_id = $1 AND m.referral_code = $2', [merchantId, referralCode]);
  }

  findByIdentity(merchantId: string, channel: ChannelName, externalUserId: string) {
    return this.one(
      'JOIN channel_identities i ON i.member_id = m.id WHERE i.merchant_id = $1 AND i.channel = $2::channel AND i.external_user_id = $3',
      [merchantId, channel, externalUserId],
    );
  }

  async ensurePending(merchantId: string, phone: string, defaultTier: string) {
    const existing = await this.findByPhone(merchantId, phone);
    if (existing) return { member: existing, created: false };
    const inserted = await withFreshCodes(
      (codes) =>
        this.prisma.$queryRaw<{ id: string }[]>`
        INSERT INTO members (id, merchant_id, phone, member_code, referral_code, tier, status)
        VALUES (gen_random_uuid(), ${merchantId}::uuid, ${phone}, ${codes.memberCode}, ${codes.referralCode}, ${defaultTier}, 'pending')
        ON CONFLICT (merchant_id, phone) DO NOTHING
        RETURNING id`,
    );
    const member = await this.findByPhone(merchantId, phone);
    return { member: member!, created: inserted.length === 1 };
  }

  async register(input: RegisterInput, defaultTier: string): Promise<RegisterOutcome> {
    return withFreshCodes((codes) =>
      this.prisma.$transaction(async (tx) => {
        const inserted = await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO members (id, merchant_id, phone, member_code, referral_code, tier, status, locale)
          VALUES (gen_random_uuid(), ${input.merchantId}::uuid, ${input.phone}, ${codes.memberCode}, ${codes.referralCode}, ${defaultTier}, 'pending', ${input.locale ?? null})
          ON CONFLICT (merchant_id, phone) DO NOTHING
          RETURNING id`;
        const [locked] = await tx.$queryRaw<{ id: string; status: MemberStatus; referrer_id: string | null }[]>`
          SELECT id, status, referrer_id FROM members WHERE merchant_id = ${input.merchantId}::uuid AND phone = ${input.phone} FOR UPDATE`;
        if (!locked) throw new Error('member vanished during registration');
        if (locked.status === 'blocked') throw forbidden('member_blocked', 'This member is blocked by the club');
        const joining = locked.status === 'pending';
        const referrerId = joining && !locked.referrer_id && input.referrerId ? await this.acceptableReferrer(tx, input, locked.id) : null;
        const row = await tx.member.update({
          where: { id: locked.id },
          data: joining
            ? {
                status: 'active',
                joinedAt: this.clock.now(),
                joinedNew: inserted.length === 1,
                sourceTag: input.sourceTag,
                referrerId: referrerId ?? undefined,
                firstName: input.firstName,
                lastName: input.lastName,
                locale: input.locale,
              }
            : {},
        });
        await tx.channelIdentity.upsert({
          where: {
            merchantId_channel_externalUserId: {
              merchantId: input.merchantId,
              channel: input.channel,
              externalUserId: input.externalUserId,
            },
          },
          create: {
            merchantId: input.merchantId,
            memberId: row.id,
            channel: input.channel,
            externalUserId: input.externalUserId,
            chatId: input.chatId ?? null,
          },
          update: { memberId: row.id, chatId: input.chatId ?? null, unreachableAt: null },
        });
        const claimed = joining && (row.purchaseCount > 0 || row.points > 0n || row.coins > 0n || row.credit > 0n);
        if (joining) {
          await tx.outboxEvent.create({
            data: {
              merchantId: input.merchantId,
              ...outboxEvent('member.joined', {
                member_id: row.id,
                channel: input.channel,
                claimed,
                new_phone: row.joinedNew,
                referrer_id: row.referrerId,
                source_tag: row.sourceTag,
              }),
            },
          });
        }
        return { member: toMember(row), claimed, alreadyActive: !joining };
      }),
    );
  }

  /**
   * A referrer is accepted when it is an active member of the same merchant, not the joining
   * member, and not the person joining under another phone (same chat account).
   */
  private async acceptableReferrer(tx: Prisma.TransactionClient, input: RegisterInput, memberId: string): Promise<string | null> {
    if (!input.referrerId || input.referrerId === memberId || !isUuid(input.referrerId)) return null;
    const [referrer] = await tx.$queryRaw<{ ok: boolean }[]>`
      SELECT m.status = 'active' AND NOT EXISTS (
               SELECT 1 FROM channel_identities i WHERE i.member_id = m.id AND i.channel = ${input.channel}::channel AND i.external_user_id = ${input.externalUserId}
             ) AS ok
      FROM members m WHERE m.id = ${input.referrerId}::uuid AND m.merchant_id = ${input.merchantId}::uuid`;
    return referrer?.ok ? input.referrerId : null;
  }

  async updateProfile(merchantId: string, id: string, update: ProfileUpdate) {
    const r = await this.prisma.member.update({ where: { id, merchantId }, data: update });
    return toMember(r);
  }

  async setTags(merchantId: string, id: string, add: string[], remove: string[]) {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE members SET tags = ARRAY(SELECT DISTINCT t FROM unnest(tags || ${add}::text[]) t WHERE t <> ALL(${remove}::text[]) ORDER BY t), updated_at = now()
      WHERE id = ${id}::uuid AND merchant_id = ${merchantId}::uuid RETURNING id`;
    return (await this.findById(merchantId, rows[0]!.id))!;
  }

  async setStatus(merchantId: string, id: string, status: MemberStatus) {
    return toMember(await this.prisma.member.update({ where: { id, merchantId }, data: { status } }));
  }

  async setOptOut(merchantId: string, id: string, optedOut: boolean) {
    return toMember(await this.prisma.member.update({ where: { id, merchantId }, data: { optedOut } }));
  }

  async identities(memberId: string): Promise<ChannelIdentity[]> {
    return this.prisma.channelIdentity.findMany({
      where: { memberId },
      select: { channel: true, externalUserId: true, chatId: true, unreachableAt: true, lastSeenAt: true, createdAt: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  clubSenders(merchantId: string): Promise<ChannelName[]> {
    return clubSenders(this.pool, merchantId);
  }

  async markSeen(merchantId: string, channel: ChannelName, externalUserId: string) {
    await this.prisma.channelIdentity.updateMany({
      where: { merchantId, channel, externalUserId },
      data: { lastSeenAt: this.clock.now() },
    });
  }

  async markUnreachable(merchantId: string, channel: ChannelName, externalUserId: string, unreachable: boolean) {
    await this.prisma.channelIdentity.updateMany({
      where: { merchantId, channel, externalUserId },
      data: { unreachableAt: unreachable ? this.clock.now() : null },
    });
  }
}
