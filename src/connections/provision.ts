/**
 * Provisions the endpoint of a connection whose lease the caller holds. It adopts an endpoint that
 * already carries the connection's tag, left by an attempt that crashed or lost its response, or creates
 * one. Then it waits until the endpoint leaves `creating` and commits it to the row. The lease is renewed while this runs, so
 * another process takes the row over only if this one dies.
 */
import { CloudError } from '../cloud/errors.ts';
import type { Endpoint } from '../cloud/ports.ts';
import { apiError } from '../errors.ts';
import { failpoint } from '../failpoints.ts';
import { type Connection, commitEndpoint, releaseLease, releaseReservation } from '../store/index.ts';
import { sleepOf, type WorkflowDeps } from './deps.ts';
import { startLeaseHeartbeat } from './heartbeat.ts';
import { nextCheckAt } from './status-policy.ts';
import { connectionTags, findTaggedEndpoints } from './tags.ts';
import { isNotFound, isOutcomeUnknown, upstreamFailure } from './upstream-errors.ts';
import { waitWhileCreating } from './wait.ts';

const LIVE_STATUSES = new Set(['creating', 'pendingAcceptance', 'accepted']);

/** Tag lookups after a create whose response was lost: VPCEP may list a new endpoint only after a moment. */
const LOST_CREATE_LOOKUPS = 3;
const LOST_CREATE_LOOKUP_DELAY_MS = 300;

export interface ProvisionOptions {
  /** True for a row this request has just reserved: no earlier attempt can have left an endpoint. */
  fresh: boolean;
}

export async function provisionEndpoint(
  deps: WorkflowDeps,
  connection: Connection,
  options: ProvisionOptions,
): Promise<Connection> {
  const heartbeat = startLeaseHeartbeat(deps, () => [connection.id]);
  try {
    failpoint('create.after-reserve');
    const adopted = options.fresh ? undefined : await adoptTaggedEndpoint(deps, connection);
    const endpoint = adopted ?? (await createTaggedEndpoint(deps, connection));
    failpoint('create.after-endpoint-create');

    const settled = await waitForSettledEndpoint(deps, connection, endpoint);
    if (settled.status === 'failed' || settled.status === 'rejected') {
      await discardFailedEndpoint(deps, connection, settled);
    }

    failpoint('create.before-commit');
    return await commitProvisionedEndpoint(deps, connection, settled);
  } finally {
    heartbeat.stop();
  }
}

/**
 * Returns the oldest live endpoint tagged with this connection, deleting any other tagged endpoint:
 * duplicates and endpoints that ended `failed` or `rejected`.
 */
export async function adoptTaggedEndpoint(
  deps: WorkflowDeps,
  connection: Connection,
): Promise<Endpoint | undefined> {
  const tagged = await readTaggedEndpoints(deps, connection);
  const live = tagged.filter((endpoint) => LIVE_STATUSES.has(endpoint.status));
  const [keep, ...surplus] = live;

  const dead = tagged.filter((endpoint) => endpoint.status === 'failed' || endpoint.status === 'rejected');
  for (const endpoint of [...surplus, ...dead]) {
    await deleteEndpointQuietly(deps, endpoint.id);
  }
  if (keep)
    deps.logger.info({ connectionId: connection.id, endpointId: keep.id }, 'adopted a tagged endpoint');
  return keep;
}

async function readTaggedEndpoints(deps: WorkflowDeps, connection: Connection): Promise<Endpoint[]> {
  try {
    return await findTaggedEndpoints(deps, connection);
  } catch (error) {
    await releaseLease(deps.db, connection.id, deps.processId);
    if (error instanceof CloudError) throw upstreamFailure(error, "looking up the connection's endpoints");
    throw error;
  }
}

async function createTaggedEndpoint(deps: WorkflowDeps, connection: Connection): Promise<Endpoint> {
  try {
    return await deps.vpcep.createEndpoint({
      endpointServiceId: connection.vpcEpServerId,
      vpcId: deps.platform.vpcId,
      subnetId: deps.platform.subnetId,
      tags: connectionTags(connection),
      description: `vpcep-connect connection ${connection.id}`,
    });
  } catch (error) {
    if (isOutcomeUnknown(error)) {
      const found = await findLostEndpoint(deps, connection);
      if (found) return found;
      // The endpoint may still appear: the row stays for the sync, which adopts or releases it.
      await releaseLease(deps.db, connection.id, deps.processId);
    } else if (connection.phase === 'reserved') {
      await releaseReservation(deps.db, connection.id);
    } else {
      await releaseLease(deps.db, connection.id, deps.processId);
    }
    throw translateCreateError(deps, connection, error);
  }
}

/** Looks for the endpoint of a create whose response never arrived, retrying while VPCEP catches up. */
async function findLostEndpoint(deps: WorkflowDeps, connection: Connection): Promise<Endpoint | undefined> {
  for (let attempt = 1; attempt <= LOST_CREATE_LOOKUPS; attempt++) {
    try {
      const live = (await findTaggedEndpoints(deps, connection)).filter((e) => LIVE_STATUSES.has(e.status));
      if (live.length > 0) {
        deps.logger.warn(
          { connectionId: connection.id, endpointId: live[0].id },
          'endpoint create response was lost; found the endpoint by its tag',
        );
        return live[0];
      }
    } catch (error) {
      deps.logger.warn(
        { connectionId: connection.id, err: error },
        'looking up a lost endpoint create failed',
      );
    }
    await sleepOf(deps)(LOST_CREATE_LOOKUP_DELAY_MS * attempt);
  }
  return undefined;
}

function translateCreateError(deps: WorkflowDeps, connection: Connection, error: unknown): unknown {
  if (!(error instanceof CloudError)) return error;

  const code = error.code?.toLowerCase();
  if (code === 'endpoint.2012') {
    const entry = `iam:domain::${deps.platform.domainId}`;
    return apiError(
      'notWhitelisted',
      `The endpoint service "${connection.vpcEpServerName}" does not whitelist the platform's account. Ask its owner to add "${entry}" to the service's whitelist (VPCEP console: endpoint service > Permission Management), then retry.`,
      { cause: error },
    );
  }
  if (code === 'endpoint.1018') {
    return apiError(
      'endpointQuotaExceeded',
      `VPCEP refused the endpoint because the platform's endpoint quota in region ${deps.platform.region} is used up; the operator must delete unused connections or raise the quota.`,
      { cause: error },
    );
  }
  return upstreamFailure(error, 'creating the VPC endpoint');
}

async function waitForSettledEndpoint(
  deps: WorkflowDeps,
  connection: Connection,
  created: Endpoint,
): Promise<Endpoint> {
  if (created.status !== 'creating') return created;
  try {
    const settled = await waitWhileCreating(deps.vpcep, created.id, {
      timeoutMs: deps.endpointWaitMs,
      sleep: deps.sleep,
      now: deps.clock,
      onPoll: () => failpoint('create.during-wait'),
    });
    return settled ?? created;
  } catch (error) {
    // The endpoint exists: record it as `creating` rather than lose it; the sync reads it again.
    deps.logger.warn(
      { connectionId: connection.id, endpointId: created.id, err: error },
      'reading the new endpoint failed; recording it as creating',
    );
    return { ...created, status: 'creating' };
  }
}

/**
 * Deletes an endpoint that ended `failed` or `rejected` and raises the reason. A reservation is released;
 * a connection being replaced keeps its row, showing the new status.
 */
async function discardFailedEndpoint(deps: WorkflowDeps, connection: Connection, endpoint: Endpoint) {
  const deleted = await deleteEndpointQuietly(deps, endpoint.id);
  if (deleted && connection.phase === 'reserved') {
    await releaseReservation(deps.db, connection.id);
  } else {
    await commitProvisionedEndpoint(deps, connection, endpoint);
  }

  if (endpoint.status === 'rejected') {
    throw apiError(
      'endpointRejected',
      `The owner of endpoint service "${connection.vpcEpServerName}" rejected VPC endpoint ${endpoint.id}; the endpoint was deleted. Ask the owner to accept connections from the platform, then retry.`,
    );
  }
  const reasons = endpoint.errors.map((item) => `${item.code}: ${item.message}`).join('; ');
  throw apiError(
    'endpointFailed',
    `VPCEP reported VPC endpoint ${endpoint.id} to "${connection.vpcEpServerName}" as failed${reasons ? ` (${reasons})` : ''}; the endpoint was deleted. Retry, and if it fails again, check the endpoint service's status with its owner.`,
  );
}

/** Deletes an endpoint, treating "already gone" as success. Returns false, after logging, on failure. */
export async function deleteEndpointQuietly(deps: WorkflowDeps, endpointId: string): Promise<boolean> {
  try {
    await deps.vpcep.deleteEndpoint(endpointId);
    return true;
  } catch (error) {
    if (isNotFound(error) || (error instanceof CloudError && error.code?.toLowerCase() === 'endpoint.2018')) {
      return true;
    }
    deps.logger.error(
      { endpointId, err: error },
      'deleting an endpoint failed; it stays until a later create, delete or orphan sweep removes it',
    );
    return false;
  }
}

export async function commitProvisionedEndpoint(
  deps: WorkflowDeps,
  connection: Connection,
  endpoint: Endpoint,
): Promise<Connection> {
  const now = deps.clock();
  const committed = await commitEndpoint(deps.db, connection.id, deps.processId, {
    vpcEpClientId: endpoint.id,
    vpcEpClientStatus: endpoint.status,
    now,
    endpointCreatedAt: endpointCreationTime(endpoint, now),
    nextCheckAt: nextCheckAt(endpoint.status, now, endpointCreationTime(endpoint, now), deps.lifecycle),
  });
  if (!committed) {
    // Another process took the row over after this one's lease ran out; it adopts this endpoint by tag.
    throw apiError(
      'createInProgress',
      `Connection ${connection.id} was taken over by another process while its endpoint was being created; retry to get it.`,
    );
  }

  deps.logger.info(
    { connectionId: connection.id, endpointId: endpoint.id, status: endpoint.status },
    'connection endpoint recorded',
  );
  return committed;
}

function endpointCreationTime(endpoint: Endpoint, fallback: number): number {
  const parsed = endpoint.createdAt ? Date.parse(endpoint.createdAt) : Number.NaN;
  return Number.isNaN(parsed) ? fallback : parsed;
}
