/**
 * The verify-and-create workflow behind `POST /v1/{project_id}/connections/vpc-endpoint`. It is
 * idempotent per (workspace, endpoint service):
 *
 * - no connection yet: reserve the row under its unique key, then provision its endpoint;
 * - a connection being created by another request: wait for it and return the same connection;
 * - a reservation whose process died (its lease ran out): take it over and finish it;
 * - an active connection: re-read its endpoint and return it, with the caller as its last updater;
 * - a connection whose endpoint ended `rejected`, `failed`, deleted or expired: create a new endpoint
 *   for the same connection, which the response shows by its new `vpc_ep_client_id`.
 */
import { randomUUID } from 'node:crypto';
import { CloudError } from '../cloud/errors.ts';
import type { EndpointServiceSummary } from '../cloud/ports.ts';
import { apiError } from '../errors.ts';
import {
  type Connection,
  ConnectionExistsError,
  claimLease,
  findLiveConnectionByService,
  releaseLease,
  reserveConnection,
} from '../store/index.ts';
import { sleepOf, type WorkflowDeps } from './deps.ts';
import { deleteEndpointQuietly, provisionEndpoint } from './provision.ts';
import { refreshConnection } from './refresh.ts';
import { resolveEndpointService } from './service-lookup.ts';
import { REPLACEABLE_STATUSES } from './status-policy.ts';
import { type ConnectionRecord, type DsType, type Principal, SCENE, toConnectionRecord } from './types.ts';
import { upstreamFailure } from './upstream-errors.ts';

export interface CreateConnectionInput {
  principal: Principal;
  workspaceId: string;
  dsType: DsType;
  serviceName?: string;
  serviceId?: string;
}

/** How often a request waiting for another request's create looks at the row again. */
const WAIT_POLL_MS = 150;

/** A status read this recently is not read again for a repeated create. */
const FRESH_STATUS_MS = 1000;

export async function verifyAndCreate(
  deps: WorkflowDeps,
  input: CreateConnectionInput,
): Promise<ConnectionRecord> {
  const service = await resolveEndpointService(deps.vpcep, deps.platform.region, {
    name: input.serviceName,
    id: input.serviceId,
  });
  const deadline = deps.clock() + deps.endpointWaitMs + deps.lifecycle.leaseMs;

  for (;;) {
    const existing = await findLiveConnectionByService(deps.db, input.workspaceId, service.id);
    const outcome = existing
      ? await continueExisting(deps, existing, input)
      : await createNew(deps, input, service);
    if (outcome) return toConnectionRecord(outcome);

    if (deps.clock() > deadline) {
      throw apiError(
        'createInProgress',
        `Another request is still creating the connection to endpoint service ${service.serviceName}; retry in a few seconds to get it.`,
      );
    }
    await sleepOf(deps)(WAIT_POLL_MS);
  }
}

/** Reserves and provisions a new connection; returns undefined when another request reserved it first. */
async function createNew(
  deps: WorkflowDeps,
  input: CreateConnectionInput,
  service: EndpointServiceSummary,
): Promise<Connection | undefined> {
  await checkEndpointQuota(deps);

  const now = deps.clock();
  const { principal } = input;
  let reserved: Connection;
  try {
    reserved = await reserveConnection(deps.db, {
      id: randomUUID().replaceAll('-', ''),
      projectId: principal.projectId,
      domainId: principal.domainId,
      workspaceId: input.workspaceId,
      dsType: input.dsType,
      vpcEpServerId: service.id,
      vpcEpServerName: service.serviceName,
      scene: SCENE,
      createDate: now,
      createUser: principal.userId,
      createUserName: principal.userName,
      leaseOwner: deps.processId,
      leaseUntil: now + deps.lifecycle.leaseMs,
    });
  } catch (error) {
    if (error instanceof ConnectionExistsError) return undefined;
    throw error;
  }
  return provisionEndpoint(deps, reserved, { fresh: true });
}

/**
 * Returns the existing connection, finishing or replacing its endpoint when that falls to this request.
 * Returns undefined when another process is working on the row, so the caller waits and looks again.
 */
async function continueExisting(
  deps: WorkflowDeps,
  existing: Connection,
  input: CreateConnectionInput,
): Promise<Connection | undefined> {
  if (existing.phase === 'active' && !needsNewEndpoint(existing)) {
    const refreshed = await refreshForRepeat(deps, existing, input);
    if (!needsNewEndpoint(refreshed)) return refreshed;
  }

  const now = deps.clock();
  const claimed = await claimLease(
    deps.db,
    existing.id,
    { owner: deps.processId, until: now + deps.lifecycle.leaseMs },
    now,
  );
  if (!claimed) return undefined;

  // The row may have changed since it was read: decide on the row as claimed.
  if (claimed.phase === 'active' && !needsNewEndpoint(claimed)) {
    await releaseLease(deps.db, claimed.id, deps.processId);
    return refreshForRepeat(deps, claimed, input);
  }
  if (claimed.phase === 'reserved') {
    deps.logger.warn({ connectionId: claimed.id }, 'taking over a reservation whose process stopped');
    return provisionEndpoint(deps, claimed, { fresh: false });
  }
  const replaced = await replaceEndpoint(deps, claimed);
  return refreshConnection(deps, replaced, {
    principal: input.principal,
    dsType: input.dsType === replaced.dsType ? undefined : input.dsType,
    readEndpoint: false,
  });
}

function needsNewEndpoint(connection: Connection): boolean {
  const status = connection.vpcEpClientStatus ?? '';
  return REPLACEABLE_STATUSES.has(status) || status === 'deleting';
}

/** Re-reads the endpoint of a repeated create and records the caller and its `ds_type`. */
async function refreshForRepeat(deps: WorkflowDeps, existing: Connection, input: CreateConnectionInput) {
  const fresh =
    existing.statusCheckedAt !== null && deps.clock() - existing.statusCheckedAt < FRESH_STATUS_MS;
  return refreshConnection(deps, existing, {
    principal: input.principal,
    dsType: input.dsType === existing.dsType ? undefined : input.dsType,
    readEndpoint: !fresh,
  });
}

/** Deletes the dead endpoint of a claimed connection and provisions a new one for the same row. */
async function replaceEndpoint(deps: WorkflowDeps, claimed: Connection): Promise<Connection> {
  if (claimed.vpcEpClientId && !(await deleteEndpointQuietly(deps, claimed.vpcEpClientId))) {
    await releaseLease(deps.db, claimed.id, deps.processId);
    throw apiError(
      'vpcepFailed',
      `VPCEP failed to delete the old endpoint ${claimed.vpcEpClientId} of connection ${claimed.id}; retry later.`,
    );
  }

  deps.logger.info(
    { connectionId: claimed.id, endpointId: claimed.vpcEpClientId, status: claimed.vpcEpClientStatus },
    'replacing the endpoint of a connection',
  );
  return provisionEndpoint(deps, claimed, { fresh: false });
}

async function checkEndpointQuota(deps: WorkflowDeps): Promise<void> {
  let quota: { used: number; quota: number };
  try {
    quota = await deps.vpcep.getEndpointQuota();
  } catch (error) {
    if (error instanceof CloudError) throw upstreamFailure(error, 'reading the VPC endpoint quota');
    throw error;
  }

  if (quota.used >= quota.quota) {
    throw apiError(
      'endpointQuotaExceeded',
      `The platform has used ${quota.used} of its ${quota.quota} VPC endpoints in region ${deps.platform.region}; the operator must delete unused connections or raise the quota.`,
    );
  }
}
