/** Re-reads a recorded connection's endpoint from VPCEP and stores its current status. */
import { CloudError } from '../cloud/errors.ts';
import { type Connection, updateConnectionStatus } from '../store/index.ts';
import type { WorkflowDeps } from './deps.ts';
import { nextCheckAt } from './status-policy.ts';
import type { Principal } from './types.ts';
import { isNotFound, upstreamFailure } from './upstream-errors.ts';

export interface RefreshOptions {
  /** Recorded as the connection's last updater, as a repeated create does; reads leave it unchanged. */
  principal?: Principal;
  /** The `ds_type` of a repeated create, recorded when it differs. */
  dsType?: string;
  /** False keeps the stored status, for a caller that read it a moment ago. Default true. */
  readEndpoint?: boolean;
  /** When VPCEP fails: raise the error (default), or keep the stored status and log a warning. */
  onUpstreamError?: 'raise' | 'keep-stored';
}

/**
 * Returns the connection with its endpoint status read now. An endpoint for which VPCEP returns 404 is
 * recorded as `deleted`.
 */
export async function refreshConnection(
  deps: WorkflowDeps,
  connection: Connection,
  options: RefreshOptions = {},
): Promise<Connection> {
  const stored = connection.vpcEpClientStatus ?? 'creating';
  let status = stored;
  if (options.readEndpoint !== false) {
    try {
      status = await readEndpointStatus(deps, connection);
    } catch (error) {
      if (options.onUpstreamError !== 'keep-stored') throw error;
      deps.logger.warn(
        { connectionId: connection.id, err: error },
        'reading the endpoint failed; returning the stored status',
      );
      return connection;
    }
  }

  const now = deps.clock();
  const createdAt = connection.endpointCreatedAt ?? connection.createDate;
  const statusRead = options.readEndpoint !== false;
  const updated = await updateConnectionStatus(deps.db, connection.id, {
    vpcEpClientStatus: status,
    now,
    updateUser: options.principal?.userId,
    updateUserName: options.principal?.userName,
    nextCheckAt: statusRead ? nextCheckAt(status, now, createdAt, deps.lifecycle) : undefined,
    dsType: options.dsType,
    statusRead,
  });
  if (status !== stored) {
    deps.logger.info({ connectionId: connection.id, from: stored, to: status }, 'connection status changed');
  }
  return updated ?? connection;
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
