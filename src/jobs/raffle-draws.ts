import { Worker, type Queue } from 'bullmq';
import type { RaffleService } from '../domain/rewards/raffle-service.js';
import type { Logger } from '../logger.js';
import type { EventHandler } from './event-worker.js';
import { KEEP, QueueName, type QueueContext } from './queues.js';

export interface RaffleDrawJob {
  merchantId: string;
  raffleId: string;
}

/**
 * A raffle's draw is a delayed job due at its close time, added when the 'raffle.opened' event
 * is handled (one jobId per raffle, so a replayed event adds nothing). Purchases earn tickets.
 * The maintenance sweep draws any raffle whose job was lost.
 */
export function raffleEvents(raffles: RaffleService, draws: Queue<RaffleDrawJob>, now: () => number): EventHandler {
  return {
    name: 'raffles',
    async handle({ merchantId, type, payload: p }) {
      if (type === 'raffle.opened') {
        const raffleId = p.raffle_id;
        const delay = Math.max(0, new Date(p.closes_at).getTime() - now());
        await draws.add(
          'draw',
          { merchantId, raffleId },
          { jobId: `raffle-draw-${raffleId}`, delay, attempts: 8, backoff: { type: 'exponential', delay: 1000 }, ...KEEP },
        );
      }
      if (type === 'purchase.recorded') {
        const points = p.entries.filter((e) => e.currency === 'points' && e.amount > 0).reduce((s, e) => s + e.amount, 0);
        await raffles.onPurchase(merchantId, p.member_id, p.order_id, points, new Date(p.occurred_at));
      }
    },
  };
}

export function startRaffleDrawWorker(ctx: QueueContext, raffles: RaffleService, logger: Logger): Worker<RaffleDrawJob> {
  const worker = new Worker<RaffleDrawJob>(
    QueueName.raffleDraws,
    async (job) => {
      const raffle = await raffles.draw(job.data.merchantId, job.data.raffleId);
      logger.info({ raffle: raffle.id, tickets: raffle.ticketCount, winners: raffle.winners?.length ?? 0 }, 'raffle drawn');
    },
    { connection: ctx.connection, prefix: ctx.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => logger.warn({ raffle: job?.data.raffleId, err: err.message }, 'raffle draw failed'));
  return worker;
}
