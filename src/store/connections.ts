/**
 * Connection repository. A connection row is reserved (phase `reserved`) before its VPC endpoint exists,
 * becomes `active` once the endpoint is recorded, and ends `deleted` with `deleted_at` set. A partial
 * unique index allows one live row (deleted_at null) per workspace and endpoint service.
 */
import { randomBytes } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import { ConnectionExistsError, translateDatabaseError } from './errors.ts';
import { type Connection, type NewConnection, toConnection } from './models.ts';
import type { ConnectionsTable, DatabaseHandle } from './schema.ts';

export interface ActivateConnectionChange {
  vpcEpClientId: string;
  vpcEpClientStatus: string;
  now: number;
}

export interface ConnectionStatusChange {
  vpcEpClientStatus: string;
  now: number;
  /** User id to record as the last updater; absent for background status checks. */
  updateUser?: string;
  updateUserName?: string;
  /** When the status sync should read the endpoint again (null: never); left as it is when undefined. */
  nextCheckAt?: number | null;
  /** A new `ds_type`, from a repeated create that names another type; left as it is when undefined. */
  dsType?: string;
  /**
   * False when the status was not read from VPCEP now: `status_checked_at` then keeps the time of the
   * last real read, so later readers know how old the status is. Default true.
   */
  statusRead?: boolean;
}

/** Status that markConnectionDeleted records in `vpc_ep_client_status`. */
export const DELETED_STATUS = 'deleted';

/**
 * Inserts a connection in phase `reserved`. Throws ConnectionExistsError when the workspace already has a
 * live connection to the endpoint service, including one that a concurrent call has just reserved.
 * The conflict is skipped instead of raised, so a surrounding PostgreSQL transaction stays usable, for
 * example to read the existing row with findLiveConnectionByService.
 */
export async function reserveConnection(db: DatabaseHandle, connection: NewConnection): Promise<Connection> {
  let row: Selectable<ConnectionsTable> | undefined;
  try {
    row = await db
      .insertInto('connections')
      .values({
        id: connection.id ?? randomBytes(16).toString('hex'),
        project_id: connection.projectId,
        domain_id: connection.domainId,
        workspace_id: connection.workspaceId,
        ds_type: connection.dsType,
        vpc_ep_server_id: connection.vpcEpServerId,
        vpc_ep_server_name: connection.vpcEpServerName,
        vpc_ep_client_id: null,
        vpc_ep_client_status: null,
        phase: 'reserved',
        scene: connection.scene,
        create_date: connection.createDate,
        create_user: connection.createUser,
        create_user_name: connection.createUserName,
        update_date: connection.updateDate ?? connection.createDate,
        update_user: connection.updateUser ?? connection.createUser,
        update_user_name: connection.updateUserName ?? connection.createUserName,
        status_checked_at: null,
        deleted_at: null,
        lease_owner: connection.leaseOwner ?? null,
        lease_until: connection.leaseUntil ?? null,
      })
      .onConflict((conflict) =>
        conflict.columns(['workspace_id', 'vpc_ep_server_id']).where('deleted_at', 'is', null).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
  } catch (error) {
    // A conflict on another key, such as a taken id, raises here and becomes a UniqueViolationError.
    throw translateDatabaseError(error);
  }

  if (!row) throw new ConnectionExistsError(connection.workspaceId, connection.vpcEpServerId);
  return toConnection(row);
}

/** Returns the live connection (reserved or active) of a workspace to an endpoint service. */
export async function findLiveConnectionByService(
  db: DatabaseHandle,
  workspaceId: string,
  vpcEpServerId: string,
): Promise<Connection | undefined> {
  const row = await db
    .selectFrom('connections')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('vpc_ep_server_id', '=', vpcEpServerId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row && toConnection(row);
}

/** Returns a live connection (reserved or active) by id, within a project and workspace. */
export async function findConnection(
  db: DatabaseHandle,
  key: { projectId: string; workspaceId: string; id: string },
): Promise<Connection | undefined> {
  const row = await db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', key.id)
    .where('project_id', '=', key.projectId)
    .where('workspace_id', '=', key.workspaceId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row && toConnection(row);
}

/** Returns the live connection that recorded a VPC endpoint id. */
export async function findConnectionByEndpointId(
  db: DatabaseHandle,
  vpcEpClientId: string,
): Promise<Connection | undefined> {
  const row = await db
    .selectFrom('connections')
    .selectAll()
    .where('vpc_ep_client_id', '=', vpcEpClientId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row && toConnection(row);
}

/**
 * Records the endpoint of a reserved connection and makes it active. Returns undefined when the row is
 * no longer reserved, for example because the reservation was released meanwhile.
 */
export async function activateConnection(
  db: DatabaseHandle,
  id: string,
  change: ActivateConnectionChange,
): Promise<Connection | undefined> {
  const row = await db
    .updateTable('connections')
    .set({
      phase: 'active',
      vpc_ep_client_id: change.vpcEpClientId,
      vpc_ep_client_status: change.vpcEpClientStatus,
      update_date: change.now,
      status_checked_at: change.now,
    })
    .where('id', '=', id)
    .where('phase', '=', 'reserved')
    .returningAll()
    .executeTakeFirst();
  return row && toConnection(row);
}

/**
 * Records the endpoint status of an active connection and the time it was read (`status_checked_at`).
 * `update_date` moves to `now` when the status changed or an updater is given. `update_user` and
 * `update_user_name` change only when given. Returns undefined when no active, live row has that id.
 */
export async function updateConnectionStatus(
  db: DatabaseHandle,
  id: string,
  change: ConnectionStatusChange,
): Promise<Connection | undefined> {
  const { vpcEpClientStatus, now, updateUser, updateUserName } = change;
  // `is distinct from` treats null as a value, so a first status on a null column counts as a change.
  const updateDate =
    updateUser !== undefined
      ? now
      : sql<number>`case when ${sql.ref('vpc_ep_client_status')} is distinct from ${vpcEpClientStatus} then ${now} else ${sql.ref('update_date')} end`;

  const row = await db
    .updateTable('connections')
    .set({
      vpc_ep_client_status: vpcEpClientStatus,
      ...(change.statusRead !== false && { status_checked_at: now }),
      update_date: updateDate,
      ...(updateUser !== undefined && { update_user: updateUser }),
      ...(updateUserName !== undefined && { update_user_name: updateUserName }),
      ...(change.nextCheckAt !== undefined && { next_check_at: change.nextCheckAt }),
      ...(change.dsType !== undefined && { ds_type: change.dsType }),
    })
    .where('id', '=', id)
    .where('phase', '=', 'active')
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row && toConnection(row);
}

/** Deletes a connection row that is still reserved. Returns whether a row was deleted. */
export async function releaseReservation(db: DatabaseHandle, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('connections')
    .where('id', '=', id)
    .where('phase', '=', 'reserved')
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Marks a live connection deleted: phase `deleted`, `deleted_at` and `update_date` set to `now`, status
 * `deleted`. The row stays as history and no longer blocks a new connection to the same service.
 * Returns undefined when no live row has that id.
 */
export async function markConnectionDeleted(
  db: DatabaseHandle,
  id: string,
  now: number,
): Promise<Connection | undefined> {
  const row = await db
    .updateTable('connections')
    .set({ phase: 'deleted', vpc_ep_client_status: DELETED_STATUS, deleted_at: now, update_date: now })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row && toConnection(row);
}
