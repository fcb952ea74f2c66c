import { invalid, notFound, unprocessable } from '../errors.js';
import type { SettingsProvider } from '../merchants/settings.js';
import { normalizeCode } from './codes.js';
import { normalizePhone } from './phone.js';
import type { ChannelName, Member, MemberStore, ProfileUpdate, RegisterInput, RegisterOutcome } from './types.js';
import type { Clock } from '../clock.js';

const NAME_MAX = 60;
/** Letters of any script (with the Persian half-space), digits, _ and -. */
const TAG = /^[\p{L}\p{M}\p{N}_\-\u200c]{1,40}$/u;

function cleanName(value: string | null | undefined, field: 'first_name' | 'last_name'): string | null | undefined {
  if (value === undefined || value === null) return value;
  const v = value.trim().replace(/\s+/g, ' ');
  if (!v) return null;
  if (v.length > NAME_MAX || /[\d<>{}]/.test(v)) throw invalid(`invalid_${field}`, `${field} must be letters, up to ${NAME_MAX}`);
  return v;
}

export function requirePhone(input: string): string {
  const phone = normalizePhone(input);
  if (!phone) throw invalid('invalid_phone', 'Not a valid mobile number (e.g. 09121234567)', { value: input });
  return phone;
}

export class MemberService {
  constructor(
    private readonly store: MemberStore,
    private readonly settings: SettingsProvider,
    private readonly clock: Clock,
  ) {}

  private async defaultTier(merchantId: string): Promise<string> {
    return (await this.settings.get(merchantId)).tiers.levels[0]!.key;
  }

  async get(merchantId: string, id: string): Promise<Member> {
    const member = await this.store.findById(merchantId, id);
    if (!member) throw notFound('member_not_found', 'No such member', { memberId: id });
    return member;
  }

  findByPhone(merchantId: string, phone: string): Promise<Member | null> {
    return this.store.findByPhone(merchantId, requirePhone(phone));
  }

  async findByCode(merchantId: string, code: string): Promise<Member | null> {
    const normalized = normalizeCode(code);
    return normalized ? this.store.findByCode(merchantId, normalized) : null;
  }

  async findByReferralCode(merchantId: string, code: string): Promise<Member | null> {
    const normalized = normalizeCode(code);
    return normalized ? this.store.findByReferralCode(merchantId, normalized) : null;
  }

  findByIdentity(merchantId: string, channel: ChannelName, externalUserId: string): Promise<Member | null> {
    return this.store.findByIdentity(merchantId, channel, externalUserId);
  }

  /** A purchase for a phone that never joined accrues to a pending member with that phone. */
  async ensurePending(merchantId: string, phone: string) {
    return this.store.ensurePending(merchantId, requirePhone(phone), await this.defaultTier(merchantId));
  }

  /** Joining with a phone: a new member, or the pending one (with its balances) claimed. */
  async register(input: RegisterInput): Promise<RegisterOutcome> {
    const phone = requirePhone(input.phone);
    return this.store.register(
      {
        ...input,
        phone,
        firstName: cleanName(input.firstName, 'first_name') ?? undefined,
        lastName: cleanName(input.lastName, 'last_name') ?? undefined,
      },
      await this.defaultTier(input.merchantId),
    );
  }

  async updateProfile(merchantId: string, id: string, update: ProfileUpdate): Promise<Member> {
    const clean: ProfileUpdate = {
      ...update,
      firstName: cleanName(update.firstName, 'first_name'),
      lastName: cleanName(update.lastName, 'last_name'),
    };
    if (clean.city !== undefined && clean.city !== null) {
      clean.city = clean.city.trim().slice(0, NAME_MAX) || null;
    }
    if (clean.birthDate) {
      const age = (this.clock.now().getTime() - clean.birthDate.getTime()) / (365.25 * 86_400_000);
      if (age < 3 || age > 120) throw invalid('invalid_birth_date', 'Birth date is out of range');
    }
    await this.get(merchantId, id);
    return this.store.updateProfile(merchantId, id, clean);
  }

  /** The channel the member's messages go to first; null: the chat they used last. Only a channel they have a chat on (or SMS). */
  async setPreferredChannel(merchantId: string, id: string, channel: ChannelName | null): Promise<Member> {
    await this.get(merchantId, id);
    if (channel && channel !== 'sms' && !(await this.store.identities(id)).some((i) => i.channel === channel && i.chatId))
      throw unprocessable('channel_not_linked', `The member has no ${channel} chat`);
    return this.store.updateProfile(merchantId, id, { preferredChannel: channel });
  }

  async tag(merchantId: string, id: string, add: string[], remove: string[] = []): Promise<Member> {
    for (const t of [...add, ...remove]) if (!TAG.test(t)) throw invalid('invalid_tag', `Tags are letters, digits, _ and - (got "${t}")`);
    await this.get(merchantId, id);
    return this.store.setTags(merchantId, id, add, remove);
  }

  async setOptOut(merchantId: string, id: string, optedOut: boolean): Promise<Member> {
    await this.get(merchantId, id);
    return this.store.setOptOut(merchantId, id, optedOut);
  }

  /** Is this chat account linked to that member? (A member cannot refer themself from another phone.) */
  async sharesIdentity(memberId: string, channel: ChannelName, externalUserId: string): Promise<boolean> {
    return (await this.store.identities(memberId)).some((i) => i.channel === channel && i.externalUserId === externalUserId);
  }

  /** Notices follow the member to the channel they used last. */
  markSeen(merchantId: string, channel: ChannelName, externalUserId: string): Promise<void> {
    return this.store.markSeen(merchantId, channel, externalUserId);
  }

  /** A member who talks to us again on a channel can be reached there again. */
  markReachable(merchantId: string, channel: ChannelName, externalUserId: string): Promise<void> {
    return this.store.markUnreachable(merchantId, channel, externalUserId, false);
  }

  async block(merchantId: string, id: string, blocked: boolean): Promise<Member> {
    const member = await this.get(merchantId, id);
    if (!blocked && member.status !== 'blocked') return member;
    return this.store.setStatus(merchantId, id, blocked ? 'blocked' : member.joinedAt ? 'active' : 'pending');
  }
}
