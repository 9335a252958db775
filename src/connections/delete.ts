/**
 * Deletes a connection: its endpoint first, then the row. The row is marked deleted only after VPCEP
 * accepted the endpoint's deletion, so a failed delete leaves the connection visible, with its status,
 * and the caller can retry. Deleting a connection that is already deleted succeeds again.
 */
import { CloudError } from '../cloud/errors.ts';
import { apiError } from '../errors.ts';
import { claimLease, findConnectionAnyPhase, markConnectionDeleted, releaseLease } from '../store/index.ts';
import type { WorkflowDeps } from './deps.ts';
import type { ConnectionKey } from './read.ts';
import { isNotFound, upstreamFailure } from './upstream-errors.ts';

export async function deleteConnection(deps: WorkflowDeps, key: ConnectionKey): Promise<void> {
  const connection = await findConnectionAnyPhase(deps.db, key.id);
  const inWorkspace = connection?.projectId === key.projectId && connection.workspaceId === key.workspaceId;
  if (!connection || !inWorkspace) {
    throw apiError(
      'notFound',
      `Connection "${key.id}" does not exist in workspace ${key.workspaceId} of project ${key.projectId}.`,
    );
  }
  if (connection.deletedAt !== null) return;

  // The lease keeps a create, a replacement or a status check from working on the row meanwhile.
  const now = deps.clock();
  const claimed = await claimLease(
    deps.db,
    connection.id,
    { owner: deps.processId, until: now + deps.lifecycle.leaseMs },
    now,
  );
  if (!claimed) {
    throw apiError(
      'createInProgress',
      `Connection ${connection.id} is being created or updated by another request; retry the delete in a few seconds.`,
    );
  }

  try {
    if (claimed.vpcEpClientId) await deleteEndpoint(deps, claimed.vpcEpClientId);
  } catch (error) {
    await releaseLease(deps.db, connection.id, deps.processId);
    throw error;
  }

  await markConnectionDeleted(deps.db, connection.id, deps.clock());
  deps.logger.info({ connectionId: connection.id, endpointId: claimed.vpcEpClientId }, 'connection deleted');
}

async function deleteEndpoint(deps: WorkflowDeps, endpointId: string): Promise<void> {
  try {
    await deps.vpcep.deleteEndpoint(endpointId);
  } catch (error) {
    const alreadyDeleting = error instanceof CloudError && error.code?.toLowerCase() === 'endpoint.2018';
    if (isNotFound(error) || alreadyDeleting) return;
    if (error instanceof CloudError) throw upstreamFailure(error, `deleting VPC endpoint ${endpointId}`);
    throw error;
  }
}
