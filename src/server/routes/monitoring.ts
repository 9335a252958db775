/**
 * Endpoints for load balancers and Prometheus, outside the authenticated API: `GET /healthz` (the process
 * and its database respond), `GET /readyz` (the service can do its work, upstreams included) and
 * `GET /metrics`. Their config sets `monitoring`, so they are neither logged nor counted per call.
 */
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { apiError } from '../../errors.ts';
import type { Database } from '../../store/index.ts';
import { sendError } from '../error-handler.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { ReadinessChecks } from '../readiness.ts';

export interface MonitoringOptions {
  db: Kysely<Database>;
  readiness: ReadinessChecks;
  metrics: ServiceMetrics;
}

export function registerMonitoring(app: FastifyInstance, options: MonitoringOptions): void {
  app.get(
    '/healthz',
    { config: { operation: 'Health', monitoring: true }, schema: { hide: true } },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(options.db);
        return { status: 'ok' };
      } catch (error) {
        reply.log.error({ err: error }, 'health check failed: the database query failed');
        return sendError(reply, apiError('internal', 'The database query failed; see the service log.'));
      }
    },
  );

  app.get(
    '/readyz',
    { config: { operation: 'Readiness', monitoring: true }, schema: { hide: true } },
    async (_request, reply) => {
      const report = await options.readiness.check();
      return reply.status(report.status === 'ready' ? 200 : 503).send(report);
    },
  );

  app.get(
    '/metrics',
    { config: { operation: 'Metrics', monitoring: true }, schema: { hide: true } },
    async (_request, reply) => {
      const text = await options.metrics.registry.metrics();
      return reply.type(options.metrics.registry.contentType).send(text);
    },
  );
}
