/**
 * Reads and deletes of connections, extensions of the DataArts Insight contract with the same auth,
 * project and workspace rules as the create. Another workspace's connection is "not found".
 *
 * - `GET /v1/{project_id}/connections/vpc-endpoint`: the workspace's connections, newest first;
 * - `GET /v1/{project_id}/connections/vpc-endpoint/{connection_id}`: one connection, status refreshed;
 * - `DELETE /v1/{project_id}/connections/vpc-endpoint/{connection_id}`: delete the endpoint, then the row.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { deleteConnection } from '../../connections/delete.ts';
import type { WorkflowDeps } from '../../connections/deps.ts';
import { getConnection, listConnectionRecords } from '../../connections/read.ts';
import { CONNECTION_STATUSES, canonicalStatus } from '../../connections/status-policy.ts';
import { canonicalDsType, DS_TYPES } from '../../connections/types.ts';
import { apiError } from '../../errors.ts';
import {
  commonErrorResponses,
  ErrorBodySchema,
  ProjectParamsSchema,
  WorkspaceHeadersSchema,
} from '../schemas.ts';
import { ConnectionRecordSchema } from './verify-and-create.ts';

const ConnectionParamsSchema = Type.Object({
  ...ProjectParamsSchema.properties,
  connection_id: Type.String({ minLength: 1, maxLength: 64, description: 'Connection ID.' }),
});

const ListQuerySchema = Type.Object(
  {
    ds_type: Type.Optional(Type.String({ maxLength: 32, description: 'Data source type, any letter case.' })),
    vpc_ep_client_status: Type.Optional(
      Type.String({
        maxLength: 32,
        description: `Endpoint status, any letter case: ${CONNECTION_STATUSES.join(', ')}.`,
      }),
    ),
    vpc_ep_server_name: Type.Optional(
      Type.String({ maxLength: 128, description: 'Full endpoint service name.' }),
    ),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Default 0.' })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 10, at most 1000.' }),
    ),
  },
  { additionalProperties: false },
);

export function registerConnectionReads(scope: FastifyInstance, deps: WorkflowDeps): void {
  const routes = scope.withTypeProvider<TypeBoxTypeProvider>();

  routes.get(
    '/v1/:project_id/connections/vpc-endpoint',
    {
      config: { operation: 'ListVpcEpConnections', requiresWorkspace: true },
      schema: {
        operationId: 'ListVpcEpConnections',
        summary: "List the workspace's VPC endpoint connections",
        tags: ['connections'],
        params: ProjectParamsSchema,
        headers: WorkspaceHeadersSchema,
        querystring: ListQuerySchema,
        response: {
          200: Type.Object({ count: Type.Integer(), page_data: Type.Array(ConnectionRecordSchema) }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const { ds_type, vpc_ep_client_status, vpc_ep_server_name, offset = 0, limit = 10 } = request.query;
      return listConnectionRecords(deps, {
        projectId: request.principal.projectId,
        workspaceId: request.workspace.id,
        dsType:
          ds_type === undefined
            ? undefined
            : canonicalFilter('ds_type', 'is not supported', ds_type, canonicalDsType, DS_TYPES),
        vpcEpClientStatus:
          vpc_ep_client_status === undefined
            ? undefined
            : canonicalFilter(
                'vpc_ep_client_status',
                'is not a status',
                vpc_ep_client_status,
                canonicalStatus,
                CONNECTION_STATUSES,
              ),
        vpcEpServerName: vpc_ep_server_name,
        offset,
        limit,
      });
    },
  );

  routes.get(
    '/v1/:project_id/connections/vpc-endpoint/:connection_id',
    {
      config: { operation: 'ShowVpcEpConnection', requiresWorkspace: true },
      schema: {
        operationId: 'ShowVpcEpConnection',
        summary: 'Show one VPC endpoint connection, its status read from VPCEP when stale',
        tags: ['connections'],
        params: ConnectionParamsSchema,
        headers: WorkspaceHeadersSchema,
        response: { 200: ConnectionRecordSchema, ...commonErrorResponses },
      },
    },
    async (request) =>
      getConnection(deps, {
        projectId: request.principal.projectId,
        workspaceId: request.workspace.id,
        id: request.params.connection_id,
      }),
  );

  routes.delete(
    '/v1/:project_id/connections/vpc-endpoint/:connection_id',
    {
      config: { operation: 'DeleteVpcEpConnection', requiresWorkspace: true },
      schema: {
        operationId: 'DeleteVpcEpConnection',
        summary: 'Delete a VPC endpoint connection and its endpoint',
        tags: ['connections'],
        params: ConnectionParamsSchema,
        headers: WorkspaceHeadersSchema,
        response: {
          204: Type.Null({ description: 'Deleted, or already deleted.' }),
          ...commonErrorResponses,
          409: ErrorBodySchema,
        },
      },
    },
    async (request, reply) => {
      await deleteConnection(deps, {
        projectId: request.principal.projectId,
        workspaceId: request.workspace.id,
        id: request.params.connection_id,
      });
      return reply.status(204).send(null);
    },
  );
}

/** Returns the canonical spelling of a filter value, or raises a 400 that lists the accepted values. */
function canonicalFilter(
  name: string,
  problem: string,
  value: string,
  canonical: (value: string) => string | undefined,
  accepted: readonly string[],
): string {
  const result = canonical(value);
  if (!result) {
    throw apiError(
      'invalidRequest',
      `Invalid request: query parameter ${name} "${value}" ${problem}; use one of ${accepted.join(', ')} (any letter case).`,
    );
  }
  return result;
}
