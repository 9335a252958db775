/**
 * Domain objects of the store and the mappers that build them from rows. Timestamps are epoch
 * milliseconds as JS numbers on both dialects, and `is_default` becomes a boolean.
 */
import type { Selectable } from 'kysely';
import type { ConnectionPhase, ConnectionsTable, WorkspacesTable } from './schema.ts';

export type { ConnectionPhase } from './schema.ts';

export interface Workspace {
  id: string;
  projectId: string;
  domainId: string;
  name: string;
  description: string;
  isDefault: boolean;
  createTime: number;
  createUser: string;
  updateTime: number;
  updateUser: string;
}

export interface Connection {
  id: string;
  projectId: string;
  domainId: string;
  workspaceId: string;
  dsType: string;
  vpcEpServerId: string;
  vpcEpServerName: string;
  /** VPC endpoint id; null while the connection is reserved. */
  vpcEpClientId: string | null;
  /** VPCEP endpoint status, or `deleted` after markConnectionDeleted. */
  vpcEpClientStatus: string | null;
  phase: ConnectionPhase;
  scene: string;
  createDate: number;
  createUser: string;
  createUserName: string;
  updateDate: number;
  updateUser: string;
  updateUserName: string;
  statusCheckedAt: number | null;
  deletedAt: number | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  nextCheckAt: number | null;
  endpointCreatedAt: number | null;
}

/** The fields of a connection to reserve; the store sets the rest. */
export interface NewConnection {
  /** 32 random hex characters when absent. */
  id?: string;
  projectId: string;
  domainId: string;
  workspaceId: string;
  dsType: string;
  vpcEpServerId: string;
  vpcEpServerName: string;
  scene: string;
  createDate: number;
  createUser: string;
  createUserName: string;
  /** Defaults to createDate. */
  updateDate?: number;
  /** Defaults to createUser. */
  updateUser?: string;
  /** Defaults to createUserName. */
  updateUserName?: string;
  /** The reserving process and the end of its lease; see `lease_owner` in the schema. */
  leaseOwner?: string;
  leaseUntil?: number;
}

export function toWorkspace(row: Selectable<WorkspacesTable>): Workspace {
  return {
    id: row.id,
    projectId: row.project_id,
    domainId: row.domain_id,
    name: row.name,
    description: row.description,
    isDefault: row.is_default === 1,
    createTime: toNumber(row.create_time, 'workspaces.create_time'),
    createUser: row.create_user,
    updateTime: toNumber(row.update_time, 'workspaces.update_time'),
    updateUser: row.update_user,
  };
}

export function toConnection(row: Selectable<ConnectionsTable>): Connection {
  return {
    id: row.id,
    projectId: row.project_id,
    domainId: row.domain_id,
    workspaceId: row.workspace_id,
    dsType: row.ds_type,
    vpcEpServerId: row.vpc_ep_server_id,
    vpcEpServerName: row.vpc_ep_server_name,
    vpcEpClientId: row.vpc_ep_client_id,
    vpcEpClientStatus: row.vpc_ep_client_status,
    phase: row.phase,
    scene: row.scene,
    createDate: toNumber(row.create_date, 'connections.create_date'),
    createUser: row.create_user,
    createUserName: row.create_user_name,
    updateDate: toNumber(row.update_date, 'connections.update_date'),
    updateUser: row.update_user,
    updateUserName: row.update_user_name,
    statusCheckedAt: toNullableNumber(row.status_checked_at, 'connections.status_checked_at'),
    deletedAt: toNullableNumber(row.deleted_at, 'connections.deleted_at'),
    leaseOwner: row.lease_owner,
    leaseUntil: toNullableNumber(row.lease_until, 'connections.lease_until'),
    nextCheckAt: toNullableNumber(row.next_check_at, 'connections.next_check_at'),
    endpointCreatedAt: toNullableNumber(row.endpoint_created_at, 'connections.endpoint_created_at'),
  };
}

/**
 * Converts an integer that pg returns as a string (int8, count) or SQLite as a number. Throws a RangeError
 * for a value that a JS number cannot hold exactly, rather than returning a rounded one.
 */
export function toNumber(value: string | number | bigint, column: string): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) {
    throw new RangeError(`Invalid integer ${String(value)} in ${column}: expected a safe integer`);
  }
  return result;
}

function toNullableNumber(value: string | number | null, column: string): number | null {
  return value === null ? null : toNumber(value, column);
}
