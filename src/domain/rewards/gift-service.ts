import { z } from 'zod';
import { contentHash } from '../../lib/canonical-hash.js';
import { systemClock, type Clock } from '../clock.js';
import { invalid, notFound, unprocessable } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { ApplyCommand, Currency } from '../ledger/types.js';
import type { SettingsProvider } from '../merchants/settings.js';
import type { Member } from '../members/types.js';
import { parseInput } from '../validation.js';

const moment = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const giftInputSchema = z
  .object({
    title: z.string().min(1).max(120),
    description: z.string().max(1000).nullable().optional(),
    group: z.string().min(1).max(60).nullable().optional(),
    imageUrl: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .optional(),
    costCurrency: z.enum(['points', 'coins', 'credit']),
    cost: z.number().int().min(0).max(1e12),
    stock: z.number().int().min(0).max(1e9).nullable().optional(),
    visibleFrom: moment.nullable().optional(),
    visibleTo: moment.nullable().optional(),
    tiers: z.array(z.string().min(1).max(30)).max(10).optional(),
    groups: z.array(z.string().min(1).max(40)).max(20).optional(),
    active: z.boolean().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

export type GiftInput = z.output<typeof giftInputSchema>;
export type GiftRequestStatus = 'requested' | 'approved' | 'shipped' | 'rejected';

export interface Gift {
  id: string;
  title: string;
  description: string | null;
  group: string | null;
  imageUrl: string | null;
  costCurrency: Currency;
  cost: number;
  stock: number | null;
  visibleFrom: Date | null;
  visibleTo: Date | null;
  tiers: string[];
  groups: string[];
  active: boolean;
  position: number;
}

export interface GiftRequest {
  id: string;
  memberId: string;
  giftId: string;
  giftTitle: string;
  status: GiftRequestStatus;
  costCurrency: Currency;
  cost: number;
  source: string;
  trackingNote: string | null;
  history: { status: GiftRequestStatus; at: string; note?: string }[];
  createdAt: Date;
  updatedAt: Date;
}

export interface GiftStore {
  create(merchantId: string, input: GiftInput): Promise<Gift>;
  update(merchantId: string, id: string, input: Partial<GiftInput>): Promise<Gift | null>;
  get(merchantId: string, id: string): Promise<Gift | null>;
  list(merchantId: string, opts: { activeOnly: boolean }): Promise<Gift[]>;
  /** Holds the cost (ledger), takes one from stock and queues the request, in one transaction. */
  request(input: {
    merchantId: string;
    memberId: string;
    gift: Gift;
    idempotencyKey: string;
    ledger: ApplyCommand;
  }): Promise<{ request: GiftRequest; replayed: boolean } | 'out_of_stock'>;
  requests(
    merchantId: string,
    filter: { status?: GiftRequestStatus; memberId?: string; limit: number; before?: Date },
  ): Promise<GiftRequest[]>;
  requestById(merchantId: string, id: string): Promise<GiftRequest | null>;
  /** Moves a request from one of `from` to `to`, with the refund (if any) and an outbox event, atomically. */
  transition(input: {
    merchantId: string;
    id: string;
    from: GiftRequestStatus[];
    to: GiftRequestStatus;
    note?: string;
    refund?: ApplyCommand;
  }): Promise<GiftRequest | 'wrong_status'>;
}

/**
 * The gift catalogue: gifts with a cost, stock, display window and tier/group limits; members
 * request one (the cost is held through the ledger) and staff approve, ship or reject it
 * (rejection refunds the cost through the ledger). The member hears of every step.
 */
export class GiftService {
  constructor(private readonly deps: { store: GiftStore; ledger: LedgerService; settings: SettingsProvider; clock?: Clock }) {}

  private get clock() {
    return this.deps.clock ?? systemClock;
  }

  private parse(input: unknown, partial: boolean): GiftInput {
    const g = parseInput(partial ? giftInputSchema.partial() : giftInputSchema, input, 'invalid_gift', 'gift') as GiftInput;
    if (g.visibleFrom && g.visibleTo && g.visibleFrom > g.visibleTo) throw invalid('invalid_gift', 'visibleTo is before visibleFrom');
    return g;
  }

  async create(merchantId: string, input: unknown) {
    return this.deps.store.create(merchantId, this.parse(input, false));
  }

  async update(merchantId: string, id: string, input: unknown) {
    const gift = await this.deps.store.update(merchantId, id, this.parse(input, true));
    if (!gift) throw notFound('gift_not_found', 'No gift with this id');
    return gift;
  }

  async get(merchantId: string, id: string) {
    const gift = await this.deps.store.get(merchantId, id);
    if (!gift) throw notFound('gift_not_found', 'No gift with this id');
    return gift;
  }

  list(merchantId: string) {
    return this.deps.store.list(merchantId, { activeOnly: false });
  }

  /** What this member may see now: active, inside its window, allowed for their tier and groups. */
  async catalog(merchantId: string, member: Member): Promise<(Gift & { affordable: boolean; available: boolean })[]> {
    const now = this.clock.now();
    const gifts = await this.deps.store.list(merchantId, { activeOnly: true });
    return gifts
      .filter((g) => (!g.visibleFrom || g.visibleFrom <= now) && (!g.visibleTo || g.visibleTo >= now))
      .filter((g) => !g.tiers.length || g.tiers.includes(member.tier))
      .filter((g) => !g.groups.length || g.groups.some((t) => member.tags.includes(t)))
      .map((g) => ({ ...g, affordable: member.balances[g.costCurrency] >= g.cost, available: g.stock === null || g.stock > 0 }));
  }

  async request(merchantId: string, member: Member, giftId: string, idempotencyKey: string) {
    const visible = (await this.catalog(merchantId, member)).find((g) => g.id === giftId);
    if (!visible) throw notFound('gift_not_found', 'This gift is not available to this member');
    if (!visible.available) throw unprocessable('out_of_stock', 'This gift is out of stock');
    const ledger = await this.deps.ledger.prepare({
      merchantId,
      memberId: member.id,
      idempotencyKey: `gift:${idempotencyKey}`,
      requestHash: contentHash({ gift: giftId, member: member.id }),
      kind: 'gift',
      actor: 'member',
      lines:
        visible.cost > 0
          ? [{ mode: 'spend', currency: visible.costCurrency, amount: visible.cost, reason: 'gift', refType: 'gift', refId: giftId }]
          : [],
      // Answered in the chat that asked; the status messages come from gift.status_changed.
      eventType: 'gift.paid',
    });
    const out = await this.deps.store.request({ merchantId, memberId: member.id, gift: visible, idempotencyKey, ledger });
    if (out === 'out_of_stock') throw unprocessable('out_of_stock', 'This gift is out of stock');
    return out;
  }

  requests(merchantId: string, filter: { status?: GiftRequestStatus; memberId?: string; limit?: number; before?: Date } = {}) {
    return this.deps.store.requests(merchantId, { ...filter, limit: Math.min(filter.limit ?? 50, 200) });
  }

  async approve(merchantId: string, id: string) {
    return this.move(merchantId, id, ['requested'], 'approved');
  }

  async ship(merchantId: string, id: string, trackingNote?: string) {
    return this.move(merchantId, id, ['requested', 'approved'], 'shipped', trackingNote);
  }

  /** Rejected: the held cost goes back to the member through the ledger, the gift back to stock. */
  async reject(merchantId: string, id: string, reason?: string) {
    const request = await this.deps.store.requestById(merchantId, id);
    if (!request) throw notFound('gift_request_not_found', 'No gift request with this id');
    const refund =
      request.cost > 0
        ? await this.deps.ledger.prepare({
            merchantId,
            memberId: request.memberId,
            idempotencyKey: `gift-refund:${id}`,
            requestHash: contentHash({ giftRefund: id }),
            kind: 'gift_refund',
            actor: 'staff',
            lines: [
              {
                mode: 'earn',
                currency: request.costCurrency,
                amount: request.cost,
                reason: 'gift',
                refType: 'gift_refund',
                refId: id,
                countsForTier: false,
                expiresAt: null,
              },
            ],
            eventType: 'gift.refunded',
          })
        : undefined;
    return this.move(merchantId, id, ['requested', 'approved'], 'rejected', reason, refund);
  }

  private async move(
    merchantId: string,
    id: string,
    from: GiftRequestStatus[],
    to: GiftRequestStatus,
    note?: string,
    refund?: ApplyCommand,
  ) {
    const out = await this.deps.store.transition({ merchantId, id, from, to, note: note?.trim().slice(0, 500) || undefined, refund });
    if (out === 'wrong_status') {
      const current = await this.deps.store.requestById(merchantId, id);
      if (!current) throw notFound('gift_request_not_found', 'No gift request with this id');
      throw unprocessable('invalid_transition', `A ${current.status} request cannot become ${to}`, { status: current.status });
    }
    return out;
  }
}
