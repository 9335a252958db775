/**
 * Connection listings: the API's paged list of active connections, and the batches the background status
 * sync works through.
 */
import { type Connection, toConnection, toNumber } from './models.ts';
import { assertPageRequest, type Page, type PageRequest } from './page.ts';
import type { DatabaseHandle } from './schema.ts';

export interface ListConnectionsRequest extends PageRequest {
  projectId: string;
  workspaceId: string;
  /** Exact `ds_type`, in its canonical spelling. */
  dsType?: string;
  /** Exact endpoint status. */
  vpcEpClientStatus?: string;
  /** Exact endpoint service name. */
  vpcEpServerName?: string;
}

/**
 * Lists a workspace's active connections, newest first (create_date, then id, descending). Reserved and
 * deleted rows are left out.
 */
export async function listConnections(
  db: DatabaseHandle,
  request: ListConnectionsRequest,
): Promise<Page<Connection>> {
  assertPageRequest(request);

  let query = db
    .selectFrom('connections')
    .where('project_id', '=', request.projectId)
    .where('workspace_id', '=', request.workspaceId)
    .where('phase', '=', 'active')
    .where('deleted_at', 'is', null);
  if (request.dsType !== undefined) query = query.where('ds_type', '=', request.dsType);
  if (request.vpcEpClientStatus !== undefined) {
    query = query.where('vpc_ep_client_status', '=', request.vpcEpClientStatus);
  }
  if (request.vpcEpServerName !== undefined) {
    query = query.where('vpc_ep_server_name', '=', request.vpcEpServerName);
  }

  const { count } = await query
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('create_date', 'desc')
    .orderBy('id', 'desc')
    .offset(request.offset)
    .limit(request.limit)
    .execute();

  return { count: toNumber(count, 'count(*)'), items: rows.map(toConnection) };
}

/**
 * Lists reservations created before `olderThan` (epoch milliseconds), oldest first: rows whose request
 * ended before recording an endpoint, which a cleanup pass resolves.
 */
export async function listReservedConnections(
  db: DatabaseHandle,
  options: { olderThan: number; limit?: number },
): Promise<Connection[]> {
  let query = db
    .selectFrom('connections')
    .selectAll()
    .where('phase', '=', 'reserved')
    .where('create_date', '<', options.olderThan)
    .orderBy('create_date')
    .orderBy('id');
  if (options.limit !== undefined) query = query.limit(options.limit);

  const rows = await query.execute();
  return rows.map(toConnection);
}

/**
 * Lists active connections whose endpoint status is one of `statuses`, least recently checked first
 * (never checked before all others). With `checkedBefore`, only rows not checked since that time.
 * NOTE: the rows are not locked, so replicas that sync at the same time may read the same rows.
 */
export async function listConnectionsWithStatus(
  db: DatabaseHandle,
  statuses: readonly string[],
  options: { checkedBefore?: number; limit: number },
): Promise<Connection[]> {
  if (statuses.length === 0) return [];

  let query = db
    .selectFrom('connections')
    .selectAll()
    .where('phase', '=', 'active')
    .where('deleted_at', 'is', null)
    .where('vpc_ep_client_status', 'in', statuses);
  const { checkedBefore } = options;
  if (checkedBefore !== undefined) {
    query = query.where((eb) =>
      eb.or([eb('status_checked_at', 'is', null), eb('status_checked_at', '<', checkedBefore)]),
    );
  }

  const rows = await query
    .orderBy('status_checked_at', (order) => order.asc().nullsFirst())
    .orderBy('id')
    .limit(options.limit)
    .execute();
  return rows.map(toConnection);
}
