import type { FastifyPluginAsync } from 'fastify';

export interface HealthChecks {
  postgres(): Promise<void>;
  redis(): Promise<void>;
  /** Rejects naming every bot that cannot reach its Bot API. */
  telegram?(): Promise<void>;
  /** The same for Bale bots. */
  bale?(): Promise<void>;
}

/** /healthz: the process answers. /readyz: its dependencies answer too (each named when one does not). */
export const healthRoutes: FastifyPluginAsync<{ checks: HealthChecks }> = async (app, { checks }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const named = Object.entries(checks).filter((entry): entry is [string, () => Promise<void>] => typeof entry[1] === 'function');
    const results = await Promise.allSettled(named.map(([, check]) => check()));
    const report = Object.fromEntries(
      named.map(([name], i) => {
        const r = results[i]!;
        return [name, r.status === 'fulfilled' ? 'ok' : r.reason instanceof Error ? r.reason.message : 'failed'];
      }),
    );
    const failed = named.filter((_, i) => results[i]!.status === 'rejected').map(([name]) => name);
    return reply
      .status(failed.length ? 503 : 200)
      .send(failed.length ? { status: 'unavailable', failed, checks: report } : { status: 'ok', checks: report });
  });
};
