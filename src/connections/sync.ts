/**
 * The background status sync. Each pass claims a batch of rows that need work, under a lease so that
 * replicas running the sync at once never work on the same row, and for each:
 *
 * - an active connection whose `next_check_at` has come: re-read its endpoint and store the status. An
 *   endpoint left `pendingAcceptance` past the pending window is deleted, and its connection `expired`.
 * - a reservation whose creating process died: adopt the endpoint tagged with its id, or release it.
 *
 * Some passes also sweep the VPC for tagged endpoints that no connection records. VPCEP calls are spread
 * out by a rate limiter; a row whose check fails is postponed rather than retried at once.
 */

import {
  type Connection,
  claimDueConnections,
  postponeCheck,
  releaseLease,
  releaseReservation,
  updateConnectionStatus,
} from '../store/index.ts';
import { sleepOf, type WorkflowDeps } from './deps.ts';
import { startLeaseHeartbeat } from './heartbeat.ts';
import { sweepOrphans } from './orphans.ts';
import { adoptTaggedEndpoint, commitProvisionedEndpoint, deleteEndpointQuietly } from './provision.ts';
import { RateLimiter } from './rate-limit.ts';
import { refreshConnection } from './refresh.ts';
import { isPendingExpired } from './status-policy.ts';

export interface SyncSettings {
  /** Pause between two passes of the background status sync; 0 turns the loop off. */
  intervalMs: number;
  /** Rows one pass claims at most. */
  batchSize: number;
  /** Upper bound on VPCEP calls the sync makes per second, across a pass. */
  maxCallsPerSecond: number;
  /** Pause between two sweeps for tagged endpoints that no connection records. */
  orphanSweepIntervalMs: number;
}

/** A row whose check failed is tried again after this long. */
const FAILED_CHECK_RETRY_MS = 30_000;

export interface SyncPassResult {
  claimed: number;
  refreshed: number;
  expired: number;
  reservationsAdopted: number;
  reservationsReleased: number;
  failed: number;
  orphansDeleted: number;
}

/** Outcome of one completed sync pass. */
export interface SyncPassEvent {
  result: SyncPassResult;
  /**
   * Delay of the most overdue claimed active row: the pass's start time minus its `next_check_at`, in
   * milliseconds. 0 when the pass claimed no active row.
   */
  lagMs: number;
}

/** Receives each sync pass that ran to its end, for metrics. Implementations must not throw. */
export interface SyncObserver {
  onPass(event: SyncPassEvent): void;
}

/** Claims a batch of due rows and works on each; reports the pass to `deps.syncObserver` at the end. */
export async function runSyncPass(
  deps: WorkflowDeps,
  settings: SyncSettings,
  options: { sweepOrphans: boolean },
): Promise<SyncPassResult> {
  const limiter = new RateLimiter(settings.maxCallsPerSecond, deps.clock, sleepOf(deps));
  const now = deps.clock();
  const lease = { owner: deps.processId, until: now + deps.lifecycle.leaseMs };
  const claimed = await claimDueConnections(deps.db, lease, { now, limit: settings.batchSize });
  const result: SyncPassResult = {
    claimed: claimed.length,
    refreshed: 0,
    expired: 0,
    reservationsAdopted: 0,
    reservationsReleased: 0,
    failed: 0,
    orphansDeleted: 0,
  };

  // The batch may take longer than one lease: keep the rows not yet done leased to this process.
  const remaining = new Set(claimed.map((connection) => connection.id));
  const heartbeat = startLeaseHeartbeat(deps, () => [...remaining]);
  try {
    for (const connection of claimed) {
      await syncConnection(deps, connection, limiter, result);
      remaining.delete(connection.id);
    }
  } finally {
    heartbeat.stop();
  }

  if (options.sweepOrphans) result.orphansDeleted = await sweepOrphans(deps, limiter);
  deps.syncObserver?.onPass({ result, lagMs: maxLag(claimed, now) });
  return result;
}

/**
 * Returns how overdue the most overdue active row was at `now`, in milliseconds. Reservations are left
 * out, because they are claimed when their lease runs out, whatever their `next_check_at` is.
 */
function maxLag(claimed: Connection[], now: number): number {
  let lag = 0;
  for (const connection of claimed) {
    if (connection.phase !== 'active' || connection.nextCheckAt === null) continue;
    lag = Math.max(lag, now - connection.nextCheckAt);
  }
  return lag;
}

/** Checks one claimed row, counting the outcome; a failure postpones the row. Frees the lease after. */
async function syncConnection(
  deps: WorkflowDeps,
  connection: Connection,
  limiter: RateLimiter,
  result: SyncPassResult,
): Promise<void> {
  try {
    await limiter.take();
    const outcome =
      connection.phase === 'reserved'
        ? await resolveReservation(deps, connection)
        : await checkConnection(deps, connection);
    result[outcome] += 1;
  } catch (error) {
    result.failed += 1;
    deps.logger.warn(
      { connectionId: connection.id, err: error },
      'status sync of a connection failed; postponed',
    );
    await postponeCheck(deps.db, connection.id, deps.clock() + FAILED_CHECK_RETRY_MS);
  } finally {
    await releaseLease(deps.db, connection.id, deps.processId);
  }
}

async function checkConnection(deps: WorkflowDeps, connection: Connection): Promise<'refreshed' | 'expired'> {
  const refreshed = await refreshConnection(deps, connection);
  const createdAt = refreshed.endpointCreatedAt ?? refreshed.createDate;
  const status = refreshed.vpcEpClientStatus ?? '';
  if (!isPendingExpired(status, deps.clock(), createdAt, deps.lifecycle)) return 'refreshed';

  if (refreshed.vpcEpClientId && !(await deleteEndpointQuietly(deps, refreshed.vpcEpClientId))) {
    throw new Error(`deleting the expired endpoint ${refreshed.vpcEpClientId} failed`);
  }
  await updateConnectionStatus(deps.db, connection.id, {
    vpcEpClientStatus: 'expired',
    now: deps.clock(),
    nextCheckAt: null,
  });
  deps.logger.info(
    { connectionId: connection.id, endpointId: refreshed.vpcEpClientId },
    'endpoint stayed pendingAcceptance past the pending window; deleted it and marked the connection expired',
  );
  return 'expired';
}

/** Finishes a reservation whose process died: records its tagged endpoint if one lives, else releases it. */
async function resolveReservation(
  deps: WorkflowDeps,
  connection: Connection,
): Promise<'reservationsAdopted' | 'reservationsReleased'> {
  const endpoint = await adoptTaggedEndpoint(deps, connection);
  if (endpoint) {
    await commitProvisionedEndpoint(deps, connection, endpoint);
    return 'reservationsAdopted';
  }

  await releaseReservation(deps.db, connection.id);
  deps.logger.info({ connectionId: connection.id }, 'released a reservation that has no endpoint');
  return 'reservationsReleased';
}

/** Runs sync passes every `intervalMs` until stopped, sweeping for orphans every `orphanSweepIntervalMs`. */
export class StatusSyncLoop {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private lastSweep = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly deps: WorkflowDeps,
    private readonly settings: SyncSettings,
  ) {}

  /** Starts with a pass right away, which also resolves what a previous process left behind. */
  start(): void {
    if (this.settings.intervalMs === 0) return;
    this.schedule(0);
  }

  /** Stops scheduling passes and waits for the one running, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.pass().finally(() => this.schedule(this.settings.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    const now = this.deps.clock();
    const sweep = now - this.lastSweep >= this.settings.orphanSweepIntervalMs;
    try {
      const result = await runSyncPass(this.deps, this.settings, { sweepOrphans: sweep });
      if (sweep) this.lastSweep = now;
      if (result.claimed > 0 || result.orphansDeleted > 0)
        this.deps.logger.debug({ ...result }, 'status sync pass');
    } catch (error) {
      this.deps.logger.error({ err: error }, 'status sync pass failed');
    }
  }
}
