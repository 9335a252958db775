/**
 * The tags that mark an endpoint as created by vpcep-connect for one connection. Tag keys use only
 * letters, digits and underscores and stay under VPCEP's 36-character limit for keys.
 */
import type { Tag } from '../cloud/ports.ts';
import type { Connection } from '../store/index.ts';
import type { WorkflowDeps } from './deps.ts';

export const CONNECTION_ID_TAG = 'vpcep_connect_connection_id';
export const WORKSPACE_ID_TAG = 'vpcep_connect_workspace_id';

export function connectionTags(connection: Pick<Connection, 'id' | 'workspaceId'>): Tag[] {
  return [
    { key: CONNECTION_ID_TAG, value: connection.id },
    { key: WORKSPACE_ID_TAG, value: connection.workspaceId },
  ];
}

export function connectionIdOf(tags: Tag[]): string | undefined {
  return tags.find((tag) => tag.key === CONNECTION_ID_TAG)?.value;
}

/**
 * Deletes every endpoint in the platform's VPC that carries this connection's id tag. Returns how many
 * it deleted; upstream errors are raised.
 */
export async function deleteTaggedEndpoints(
  deps: Pick<WorkflowDeps, 'vpcep' | 'platform'>,
  connection: Pick<Connection, 'id' | 'vpcEpServerName'>,
): Promise<number> {
  const { endpoints } = await deps.vpcep.listEndpoints({
    endpointServiceName: connection.vpcEpServerName,
    vpcId: deps.platform.vpcId,
    limit: 1000,
  });

  const ours = endpoints.filter((endpoint) => connectionIdOf(endpoint.tags) === connection.id);
  for (const endpoint of ours) {
    await deps.vpcep.deleteEndpoint(endpoint.id);
  }
  return ours.length;
}
