import type { BroadcastStatus, DeliveryCounts } from '../../domain/campaigns/broadcast-service.js';
import { formatDateTime, formatNumber } from '../format.js';
import type { Screen, ScreenButton, ScreenContext } from './types.js';

export interface BroadcastView {
  id: string;
  status: BroadcastStatus;
  scheduleAt: Date | null;
  recipients: number;
  heldOut: number;
  counts: DeliveryCounts;
  remaining: number;
  etaSeconds: number;
}

/** Minutes (at least one) for an estimate in seconds. */
export function etaText(seconds: number, c: ScreenContext): string {
  return seconds < 90
    ? c.t('broadcast.eta_seconds', { n: formatNumber(Math.max(1, seconds), c.locale) })
    : c.t('broadcast.eta_minutes', { n: formatNumber(Math.ceil(seconds / 60), c.locale) });
}

/** The composer's live progress: counts, what is left and how long, with pause/resume/cancel. */
export function broadcastProgressScreen(b: BroadcastView, c: ScreenContext): Screen {
  const n = (x: number) => formatNumber(x, c.locale);
  const lines = [
    c.t('broadcast.progress_title'),
    // "Scheduled" without a time is one sent now that the worker has not picked up yet.
    b.status === 'scheduled' && !b.scheduleAt
      ? c.t('broadcast.status.starting')
      : c.t(`broadcast.status.${b.status}`, { date: b.scheduleAt ? formatDateTime(b.scheduleAt, c.locale) : '' }),
    '',
    c.t('broadcast.sent', { n: n(b.counts.sent) }),
    c.t('broadcast.failed', { n: n(b.counts.failed + b.counts.unknown) }),
    c.t('broadcast.blocked', { n: n(b.counts.blocked) }),
    c.t('broadcast.remaining', { n: n(b.remaining) }) +
      (b.remaining && (b.status === 'sending' || b.status === 'enqueuing') ? ` (${etaText(b.etaSeconds, c)})` : ''),
  ];
  if (b.heldOut) lines.push(c.t('broadcast.held_out', { n: n(b.heldOut) }));
  if (b.counts.cancelled) lines.push(c.t('broadcast.cancelled_count', { n: n(b.counts.cancelled) }));
  const buttons: ScreenButton[] = [];
  if (['scheduled', 'enqueuing', 'sending'].includes(b.status))
    buttons.push({ label: c.t('broadcast.pause'), action: { kind: 'broadcast.control', op: 'pause', broadcastId: b.id } });
  if (b.status === 'paused')
    buttons.push({ label: c.t('broadcast.resume'), action: { kind: 'broadcast.control', op: 'resume', broadcastId: b.id } });
  if (!['done', 'cancelled'].includes(b.status))
    buttons.push({ label: c.t('broadcast.cancel'), action: { kind: 'broadcast.control', op: 'cancel', broadcastId: b.id } });
  return { text: lines.join('\n'), buttons: buttons.length ? [buttons] : undefined };
}
