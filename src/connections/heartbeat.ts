/**
 * Keeps leases alive while their holder works: renews them at a third of the lease length, so a lease
 * runs out only when the process stops renewing it, that is when it died or hangs.
 */
import { renewLease } from '../store/index.ts';
import type { WorkflowDeps } from './deps.ts';

/** Renews the caller's leases on `ids()` until `stop()`; rows it no longer holds are left alone. */
export function startLeaseHeartbeat(deps: WorkflowDeps, ids: () => readonly string[]): { stop(): void } {
  const interval = Math.max(50, Math.floor(deps.lifecycle.leaseMs / 3));
  const timer = setInterval(() => {
    const lease = { owner: deps.processId, until: deps.clock() + deps.lifecycle.leaseMs };
    for (const id of ids()) {
      renewLease(deps.db, id, lease).catch((error) => {
        deps.logger.warn({ connectionId: id, err: error }, 'renewing a connection lease failed');
      });
    }
  }, interval);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
