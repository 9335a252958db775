/**
 * The orphan sweep: deletes endpoints in the platform's VPC that carry a vpcep-connect connection tag
 * but that no connection records. They are left by a create whose process died after VPCEP created the
 * endpoint and before the row recorded it, by a lost create response followed by a second create, or by a
 * connection deleted while VPCEP was failing.
 */
import type { Endpoint } from '../cloud/ports.ts';
import { type Connection, findConnectionAnyPhase } from '../store/index.ts';
import type { WorkflowDeps } from './deps.ts';
import { deleteEndpointQuietly } from './provision.ts';
import type { RateLimiter } from './rate-limit.ts';
import { connectionIdOf, listAllEndpoints } from './tags.ts';

/** Deletes tagged endpoints that no live connection records; returns how many it deleted. */
export async function sweepOrphans(deps: WorkflowDeps, limiter: RateLimiter): Promise<number> {
  await limiter.take();
  const endpoints = await listAllEndpoints(deps);
  let deleted = 0;

  for (const endpoint of endpoints) {
    const connectionId = connectionIdOf(endpoint.tags);
    if (!connectionId || endpoint.status === 'deleting') continue;

    const connection = await findConnectionAnyPhase(deps.db, connectionId);
    if (!isOrphan(endpoint, connection, deps.clock())) continue;

    await limiter.take();
    if (await deleteEndpointQuietly(deps, endpoint.id)) {
      deleted += 1;
      deps.logger.warn(
        { endpointId: endpoint.id, connectionId },
        'deleted an endpoint that no connection records',
      );
    }
  }
  return deleted;
}

/**
 * An endpoint is an orphan when its connection does not exist or is deleted. It is one too when the
 * connection is active, records another endpoint, and no process holds its lease. A held lease means
 * a replacement may be about to record this endpoint. Reserved rows are left to the reservation cleanup,
 * which adopts or deletes their endpoints.
 */
function isOrphan(endpoint: Endpoint, connection: Connection | undefined, now: number): boolean {
  if (!connection || connection.deletedAt !== null) return true;
  if (connection.phase !== 'active') return false;

  const leaseHeld = connection.leaseUntil !== null && connection.leaseUntil >= now;
  return connection.vpcEpClientId !== endpoint.id && !leaseHeld;
}
