import type { MemberProfile } from '../../domain/members/member-queries.js';
import { formatJalaliDate } from '../../lib/jalali.js';
import { toLatinDigits } from '../../lib/digits.js';

export function presentMember({ member: m, progress, identities, reachOrder }: MemberProfile) {
  return {
    id: m.id,
    phone: m.phone,
    memberCode: m.memberCode,
    referralCode: m.referralCode,
    firstName: m.firstName,
    lastName: m.lastName,
    birthDate: m.birthDate ? m.birthDate.toISOString().slice(0, 10) : null,
    birthDateJalali: m.birthDate ? toLatinDigits(formatJalaliDate(m.birthDate)) : null,
    gender: m.gender,
    city: m.city,
    sourceTag: m.sourceTag,
    referrerId: m.referrerId,
    status: m.status,
    optedOut: m.optedOut,
    locale: m.locale,
    tags: m.tags,
    tier: m.tier,
    progress: { qualifyingPoints: progress.qualifyingPoints, next: progress.next },
    balances: m.balances,
    debts: m.debts,
    purchaseCount: m.purchaseCount,
    purchaseTotal: m.purchaseTotal,
    lastPurchaseAt: m.lastPurchaseAt?.toISOString() ?? null,
    channels: identities.map((i) => ({
      channel: i.channel,
      reachable: i.unreachableAt === null,
      unreachableSince: i.unreachableAt?.toISOString() ?? null,
      lastSeenAt: i.lastSeenAt?.toISOString() ?? null,
      linkedAt: i.createdAt.toISOString(),
    })),
    preferredChannel: m.preferredChannel,
    reachOrder,
    createdAt: m.createdAt.toISOString(),
    joinedAt: m.joinedAt?.toISOString() ?? null,
  };
}
