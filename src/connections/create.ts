/**
 * The verify-and-create workflow behind `POST /v1/{project_id}/connections/vpc-endpoint`.
 *
 * A connection row is reserved under the unique key (workspace, endpoint service) before any endpoint
 * exists, so two concurrent requests cannot both create one. The endpoint carries the connection id in
 * a tag, so an endpoint whose create answer was lost can still be found and deleted.
 */
import { randomUUID } from 'node:crypto';
import { CloudError } from '../cloud/errors.ts';
import type { Endpoint, EndpointServiceSummary } from '../cloud/ports.ts';
import { apiError } from '../errors.ts';
import {
  activateConnection,
  type Connection,
  ConnectionExistsError,
  findLiveConnectionByService,
  releaseReservation,
  reserveConnection,
} from '../store/index.ts';
import type { WorkflowDeps } from './deps.ts';
import { refreshConnection } from './refresh.ts';
import { resolveEndpointService } from './service-lookup.ts';
import { connectionTags, deleteTaggedEndpoints } from './tags.ts';
import { type ConnectionRecord, type DsType, type Principal, SCENE, toConnectionRecord } from './types.ts';
import { isOutcomeUnknown, upstreamFailure } from './upstream-errors.ts';
import { waitWhileCreating } from './wait.ts';

export interface CreateConnectionInput {
  principal: Principal;
  workspaceId: string;
  dsType: DsType;
  serviceName?: string;
  serviceId?: string;
}

export async function verifyAndCreate(
  deps: WorkflowDeps,
  input: CreateConnectionInput,
): Promise<ConnectionRecord> {
  // Verify everything that can be checked before creating anything.
  const service = await resolveEndpointService(deps.vpcep, deps.platform.region, {
    name: input.serviceName,
    id: input.serviceId,
  });

  const existing = await findLiveConnectionByService(deps.db, input.workspaceId, service.id);
  if (existing) return reuseExisting(deps, existing, input.principal);

  await checkEndpointQuota(deps);

  // Reserve the (workspace, service) pair; losing the race means another request owns it.
  const reserved = await reserve(deps, input, service);
  if (!reserved.created) return reuseExisting(deps, reserved.connection, input.principal);
  const connection = reserved.connection;

  const endpoint = await createEndpoint(deps, connection, service);
  const settled = await waitForSettledEndpoint(deps, connection, endpoint);
  if (settled.status === 'failed' || settled.status === 'rejected') {
    await discardFailedEndpoint(deps, connection, settled);
  }

  const now = deps.clock();
  await activateConnection(deps.db, connection.id, {
    vpcEpClientId: settled.id,
    vpcEpClientStatus: settled.status,
    now,
  });
  deps.logger.info(
    { connectionId: connection.id, endpointId: settled.id, status: settled.status },
    'connection created',
  );
  return toConnectionRecord({
    ...connection,
    phase: 'active',
    vpcEpClientId: settled.id,
    vpcEpClientStatus: settled.status,
    updateDate: now,
    statusCheckedAt: now,
  });
}

async function reuseExisting(
  deps: WorkflowDeps,
  existing: Connection,
  principal: Principal,
): Promise<ConnectionRecord> {
  if (existing.phase === 'reserved') {
    throw apiError(
      'createInProgress',
      `Connection ${existing.id} to endpoint service ${existing.vpcEpServerId} is being created by another request; retry in a few seconds to get it.`,
    );
  }
  return refreshConnection(deps, existing, principal);
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

async function reserve(
  deps: WorkflowDeps,
  input: CreateConnectionInput,
  service: EndpointServiceSummary,
): Promise<{ created: boolean; connection: Connection }> {
  const now = deps.clock();
  const { principal } = input;
  try {
    const connection = await reserveConnection(deps.db, {
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
      updateDate: now,
      updateUser: principal.userId,
      updateUserName: principal.userName,
    });
    return { created: true, connection };
  } catch (error) {
    if (!(error instanceof ConnectionExistsError)) throw error;

    const winner = await findLiveConnectionByService(deps.db, input.workspaceId, service.id);
    if (!winner) throw error;
    return { created: false, connection: winner };
  }
}

async function createEndpoint(
  deps: WorkflowDeps,
  connection: Connection,
  service: EndpointServiceSummary,
): Promise<Endpoint> {
  try {
    return await deps.vpcep.createEndpoint({
      endpointServiceId: service.id,
      vpcId: deps.platform.vpcId,
      subnetId: deps.platform.subnetId,
      tags: connectionTags(connection),
      description: `vpcep-connect connection ${connection.id}`,
    });
  } catch (error) {
    await undoReservation(deps, connection, error);
    throw translateCreateError(deps, service, error);
  }
}

/**
 * Releases the reservation after a failed create. When the create's outcome is unknown (timeout or
 * dropped connection) the endpoint may exist, so it is looked up by its tag and deleted first; if that
 * cleanup fails too, the reservation stays so that the endpoint is not lost track of.
 */
async function undoReservation(deps: WorkflowDeps, connection: Connection, cause: unknown): Promise<void> {
  if (isOutcomeUnknown(cause)) {
    try {
      await deleteTaggedEndpoints(deps, connection);
    } catch (cleanupError) {
      deps.logger.error(
        { connectionId: connection.id, err: cleanupError },
        'endpoint create outcome unknown and cleanup failed; the reservation is kept for the sync to resolve',
      );
      return;
    }
  }
  await releaseReservation(deps.db, connection.id);
}

function translateCreateError(deps: WorkflowDeps, service: EndpointServiceSummary, error: unknown): unknown {
  if (!(error instanceof CloudError)) return error;

  if (error.code?.toLowerCase() === 'endpoint.2012') {
    const entry = `iam:domain::${deps.platform.domainId}`;
    return apiError(
      'notWhitelisted',
      `The endpoint service "${service.serviceName}" does not whitelist the platform's account. Ask its owner to add "${entry}" to the service's whitelist (VPCEP console: endpoint service > Permission Management), then retry.`,
      { cause: error },
    );
  }
  if (error.code?.toLowerCase() === 'endpoint.1018') {
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
  try {
    const settled = await waitWhileCreating(deps.vpcep, created.id, { timeoutMs: deps.endpointWaitMs });
    return settled ?? created;
  } catch (error) {
    // The endpoint exists: record it as `creating` rather than lose it; a later read refreshes it.
    deps.logger.warn(
      { connectionId: connection.id, endpointId: created.id, err: error },
      'reading the new endpoint failed; recording it as creating',
    );
    return { ...created, status: 'creating' };
  }
}

/** Deletes an endpoint that ended `failed` or `rejected`, releases the reservation and raises the reason. */
async function discardFailedEndpoint(deps: WorkflowDeps, connection: Connection, endpoint: Endpoint) {
  try {
    await deps.vpcep.deleteEndpoint(endpoint.id);
    await releaseReservation(deps.db, connection.id);
  } catch (error) {
    deps.logger.error(
      { connectionId: connection.id, endpointId: endpoint.id, err: error },
      'deleting a failed endpoint failed; the reservation is kept for the sync to resolve',
    );
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
