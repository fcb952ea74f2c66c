import type { FastifyPluginAsync } from 'fastify';

export interface HealthChecks {
  postgres(): Promise<void>;
  redis(): Promise<void>;
}

/** /healthz: the process answers. /readyz: its dependencies answer too. */
export const healthRoutes: FastifyPluginAsync<{ checks: HealthChecks }> = async (app, { checks }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const results = await Promise.allSettled([checks.postgres(), checks.redis()]);
    const [postgres, redis] = results.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason instanceof Error ? r.reason.message : 'failed'));
    const ready = results.every((r) => r.status === 'fulfilled');
    const failed = ['postgres', 'redis'].filter((_, i) => results[i]!.status === 'rejected');
    return reply.status(ready ? 200 : 503).send(ready ? { status: 'ok', checks: { postgres, redis } } : { status: 'unavailable', failed, checks: { postgres, redis } });
  });
};
