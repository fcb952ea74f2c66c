import { Worker, type Queue } from 'bullmq';
import type { Logger } from '../logger.js';
import { TEHRAN } from '../lib/jalali.js';
import { KEEP, QueueName, type QueueContext } from './queues.js';

/** Housekeeping on cron patterns read in Tehran time. */
export const MAINTENANCE_SCHEDULES = {
  'expire-buckets': '*/5 * * * *',
  'remind-expiring': '0 10 * * *',
  'review-tiers': '30 0 * * *',
  'prune-outbox': '15 3 * * *',
  /** A safety net: raffles whose delayed draw job was lost. */
  'draw-raffles': '*/5 * * * *',
  /** Birthdays (Jalali), win-back and welcome steps: once a day at Tehran midnight. */
  automations: '0 0 * * *',
  /** SMS delivery reports and what people sent to the line (opt-outs), where the provider gives them. */
  'sms-reports': '*/2 * * * *',
  'sms-inbound': '* * * * *',
  /** A safety net: SMS rows whose job was lost. */
  'sms-sweep': '*/5 * * * *',
} as const;
export type MaintenanceJob = keyof typeof MAINTENANCE_SCHEDULES;

export async function scheduleMaintenance(queue: Queue): Promise<void> {
  for (const [name, pattern] of Object.entries(MAINTENANCE_SCHEDULES)) {
    await queue.upsertJobScheduler(name, { pattern, tz: TEHRAN }, { name, opts: KEEP });
  }
}

export function startMaintenanceWorker(ctx: QueueContext, handlers: Record<MaintenanceJob, () => Promise<number>>, logger: Logger): Worker {
  const worker = new Worker(
    QueueName.maintenance,
    async (job) => {
      const handler = handlers[job.name as MaintenanceJob];
      if (!handler) throw new Error(`unknown maintenance job ${job.name}`);
      const count = await handler();
      // The minutely SMS polls would fill the log with nothing: an empty run is a debug line.
      logger[count ? 'info' : 'debug']({ job: job.name, count }, 'maintenance job done');
      return count;
    },
    { connection: ctx.connection, prefix: ctx.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => logger.error({ job: job?.name, err: err.message }, 'maintenance job failed'));
  return worker;
}
