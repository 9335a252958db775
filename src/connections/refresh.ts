/** Re-reads a recorded connection's endpoint from VPCEP and stores its current status. */
import { CloudError } from '../cloud/errors.ts';
import { type Connection, updateConnectionStatus } from '../store/index.ts';
import type { WorkflowDeps } from './deps.ts';
import { type ConnectionRecord, type Principal, toConnectionRecord } from './types.ts';
import { isNotFound, upstreamFailure } from './upstream-errors.ts';

/**
 * Returns the connection with its endpoint status read now, and the caller recorded as its last updater.
 * An endpoint that VPCEP no longer knows is reported as `deleted`.
 */
export async function refreshConnection(
  deps: WorkflowDeps,
  connection: Connection,
  principal: Principal,
): Promise<ConnectionRecord> {
  const status = await readEndpointStatus(deps, connection);
  const now = deps.clock();

  await updateConnectionStatus(deps.db, connection.id, {
    vpcEpClientStatus: status,
    now,
    updateUser: principal.userId,
    updateUserName: principal.userName,
  });
  return toConnectionRecord({
    ...connection,
    vpcEpClientStatus: status,
    updateDate: now,
    updateUser: principal.userId,
    updateUserName: principal.userName,
    statusCheckedAt: now,
  });
}

async function readEndpointStatus(deps: WorkflowDeps, connection: Connection): Promise<string> {
  if (!connection.vpcEpClientId) return connection.vpcEpClientStatus ?? 'creating';
  try {
    const endpoint = await deps.vpcep.getEndpoint(connection.vpcEpClientId);
    return endpoint.status;
  } catch (error) {
    if (isNotFound(error)) return 'deleted';
    if (error instanceof CloudError) throw upstreamFailure(error, 'reading the VPC endpoint');
    throw error;
  }
}
