import type { Broadcast, DeliveryCounts } from '../../domain/campaigns/broadcast-service.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentBroadcast(b: Broadcast & { counts: DeliveryCounts; remaining: number; etaSeconds: number }) {
  return {
    id: b.id,
    campaignId: b.campaignId,
    status: b.status,
    scheduleAt: iso(b.scheduleAt),
    recipients: b.recipients,
    heldOut: b.heldOut,
    counts: b.counts,
    remaining: b.remaining,
    etaSeconds: b.etaSeconds,
    createdAt: b.createdAt.toISOString(),
    startedAt: iso(b.startedAt),
    finishedAt: iso(b.finishedAt),
  };
}
