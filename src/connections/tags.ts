/**
 * The tags that mark an endpoint as created by vpcep-connect for one connection, and lookups by them.
 * Tag keys use only letters, digits and underscores and stay under VPCEP's 36-character key limit.
 */
import type { Endpoint, ListEndpointsFilter, Tag } from '../cloud/ports.ts';
import type { Connection } from '../store/index.ts';
import type { WorkflowDeps } from './deps.ts';

export const CONNECTION_ID_TAG = 'vpcep_connect_connection_id';
export const WORKSPACE_ID_TAG = 'vpcep_connect_workspace_id';

/** VPCEP's maximum page size for listing endpoints. */
const PAGE_SIZE = 1000;

export function connectionTags(connection: Pick<Connection, 'id' | 'workspaceId'>): Tag[] {
  return [
    { key: CONNECTION_ID_TAG, value: connection.id },
    { key: WORKSPACE_ID_TAG, value: connection.workspaceId },
  ];
}

export function connectionIdOf(tags: Tag[]): string | undefined {
  return tags.find((tag) => tag.key === CONNECTION_ID_TAG)?.value;
}

/** Lists every endpoint in the platform's VPC that matches `filter`, page by page. */
export async function listAllEndpoints(
  deps: Pick<WorkflowDeps, 'vpcep' | 'platform'>,
  filter: Omit<ListEndpointsFilter, 'limit' | 'offset' | 'vpcId'> = {},
): Promise<Endpoint[]> {
  const endpoints: Endpoint[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await deps.vpcep.listEndpoints({
      ...filter,
      vpcId: deps.platform.vpcId,
      limit: PAGE_SIZE,
      offset,
    });
    endpoints.push(...page.endpoints);
    if (page.endpoints.length < PAGE_SIZE || offset + PAGE_SIZE >= page.totalCount) return endpoints;
  }
}

/** Returns the endpoints in the platform's VPC that carry this connection's id tag, oldest first. */
export async function findTaggedEndpoints(
  deps: Pick<WorkflowDeps, 'vpcep' | 'platform'>,
  connection: Pick<Connection, 'id' | 'vpcEpServerName'>,
): Promise<Endpoint[]> {
  const endpoints = await listAllEndpoints(deps, { endpointServiceName: connection.vpcEpServerName });
  return endpoints
    .filter((endpoint) => connectionIdOf(endpoint.tags) === connection.id)
    .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
}
