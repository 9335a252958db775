/** The API's paged list of a workspace's active connections. The status sync claims its rows in leases.ts. */
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
