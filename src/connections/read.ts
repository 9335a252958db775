/** Reads of connections: one by id, with its status refreshed when stale, and a workspace's list. */

import { apiError } from '../errors.ts';
import { type Connection, findConnection, listConnections } from '../store/index.ts';
import type { WorkflowDeps } from './deps.ts';
import { refreshConnection } from './refresh.ts';
import { REPLACEABLE_STATUSES } from './status-policy.ts';
import { type ConnectionRecord, toConnectionRecord } from './types.ts';

export interface ConnectionKey {
  projectId: string;
  workspaceId: string;
  id: string;
}

/**
 * Returns one connection of the workspace. Its endpoint is read again when the stored status may still
 * change soon (not final) or was checked longer ago than `statusMaxAgeMs`, so a reader sees an owner's
 * accept or reject within that age. When VPCEP fails, the stored status is returned.
 */
export async function getConnection(deps: WorkflowDeps, key: ConnectionKey): Promise<ConnectionRecord> {
  const connection = await findActiveConnection(deps, key);
  if (!isStale(deps, connection)) return toConnectionRecord(connection);

  const refreshed = await refreshConnection(deps, connection, { onUpstreamError: 'keep-stored' });
  return toConnectionRecord(refreshed);
}

export async function findActiveConnection(deps: WorkflowDeps, key: ConnectionKey): Promise<Connection> {
  const connection = await findConnection(deps.db, key);
  if (connection?.phase !== 'active') {
    throw apiError(
      'notFound',
      `Connection "${key.id}" does not exist in workspace ${key.workspaceId} of project ${key.projectId}; list the workspace's connections with GET /v1/${key.projectId}/connections/vpc-endpoint.`,
    );
  }
  return connection;
}

function isStale(deps: WorkflowDeps, connection: Connection): boolean {
  const status = connection.vpcEpClientStatus ?? 'creating';
  const final = status === 'accepted' || REPLACEABLE_STATUSES.has(status);
  const checkedAt = connection.statusCheckedAt ?? 0;
  return !final || deps.clock() - checkedAt > deps.lifecycle.statusMaxAgeMs;
}

export interface ListRequest {
  projectId: string;
  workspaceId: string;
  dsType?: string;
  vpcEpClientStatus?: string;
  vpcEpServerName?: string;
  offset: number;
  limit: number;
}

/** Lists the workspace's connections, newest first, with their stored statuses. */
export async function listConnectionRecords(
  deps: WorkflowDeps,
  request: ListRequest,
): Promise<{ count: number; page_data: ConnectionRecord[] }> {
  const page = await listConnections(deps.db, request);
  return { count: page.count, page_data: page.items.map(toConnectionRecord) };
}
