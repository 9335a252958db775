/**
 * Table types for Kysely. Timestamps are epoch milliseconds in `bigint` columns: PostgreSQL returns them
 * through pg as strings and SQLite as numbers, so the selected type is `string | number` and the mappers
 * in `models.ts` convert them.
 */
import type { ColumnType, Kysely, Transaction } from 'kysely';

/** Epoch milliseconds in a `bigint` column. */
export type MillisColumn = ColumnType<string | number, number, number>;

/** Epoch milliseconds in a nullable `bigint` column. */
export type NullableMillisColumn = ColumnType<string | number | null, number | null, number | null>;

export type ConnectionPhase = 'reserved' | 'active' | 'deleted';

export interface WorkspacesTable {
  id: string;
  project_id: string;
  domain_id: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  /** 1 for the project's default workspace, otherwise 0. */
  is_default: number;
  create_time: MillisColumn;
  create_user: string;
  update_time: MillisColumn;
  update_user: string;
}

export interface ConnectionsTable {
  id: string;
  project_id: string;
  domain_id: string;
  workspace_id: string;
  ds_type: string;
  vpc_ep_server_id: string;
  vpc_ep_server_name: string;
  /** VPC endpoint id; null while the row is only reserved. */
  vpc_ep_client_id: string | null;
  /** VPCEP endpoint status, or `deleted` once the connection is deleted. */
  vpc_ep_client_status: string | null;
  phase: ConnectionPhase;
  scene: string;
  create_date: MillisColumn;
  create_user: string;
  create_user_name: string;
  update_date: MillisColumn;
  update_user: string;
  update_user_name: string;
  status_checked_at: NullableMillisColumn;
  deleted_at: NullableMillisColumn;
  /** Process working on the row (create, replacement, status check), or null. */
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  /** Until when `lease_owner` holds the row; a lease in the past is free. */
  lease_until: ColumnType<string | number | null, number | null | undefined, number | null>;
  /** When the status sync should read the endpoint again; null when never. */
  next_check_at: ColumnType<string | number | null, number | null | undefined, number | null>;
  /** When the current endpoint was created. */
  endpoint_created_at: ColumnType<string | number | null, number | null | undefined, number | null>;
}

export interface Database {
  workspaces: WorkspacesTable;
  connections: ConnectionsTable;
}

/**
 * The first argument of every repository function: the database or a transaction, so the caller decides
 * where a transaction begins.
 */
export type DatabaseHandle = Kysely<Database> | Transaction<Database>;
