/** `POST /v1/{project_id}/connections/vpc-endpoint`: verify an endpoint service and create an endpoint. */

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { verifyAndCreate } from '../../connections/create.ts';
import type { WorkflowDeps } from '../../connections/deps.ts';
import { canonicalDsType, DS_TYPES } from '../../connections/types.ts';
import { apiError } from '../../errors.ts';
import {
  commonErrorResponses,
  ErrorBodySchema,
  ProjectParamsSchema,
  WorkspaceHeadersSchema,
} from '../schemas.ts';

const OptionalText = (maxLength: number, description: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()], { description }));

export const VerifyAndCreateBodySchema = Type.Object(
  {
    ds_type: Type.String({
      maxLength: 32,
      description: `Data source type, matched case-insensitively: ${DS_TYPES.join(', ')}.`,
    }),
    vpc_ep_server_name: OptionalText(
      128,
      'Name of the VPC endpoint service, {region}.{name}.{id}. Mandatory when vpc_ep_server_id is empty.',
    ),
    vpc_ep_server_id: OptionalText(
      64,
      'ID of the VPC endpoint service. Mandatory when vpc_ep_server_name is empty.',
    ),
  },
  { additionalProperties: false },
);

export const ConnectionRecordSchema = Type.Object(
  {
    id: Type.String({ description: 'ID of the connection.' }),
    create_date: Type.Integer({ description: 'Creation time, epoch milliseconds.' }),
    create_user: Type.String({ description: 'Creator ID.' }),
    create_user_name: Type.String({ description: 'Creator name.' }),
    update_date: Type.Integer({ description: 'Last update time, epoch milliseconds.' }),
    update_user: Type.String({ description: 'ID of the user who last updated it.' }),
    update_user_name: Type.String({ description: 'Name of the user who last updated it.' }),
    project_id: Type.String({ description: 'Project ID.' }),
    domain_id: Type.String({ description: "The caller's domain (account) ID." }),
    ds_type: Type.String({ description: 'Data source type, canonical spelling.' }),
    vpc_ep_server_id: Type.String({ description: 'ID of the VPC endpoint service.' }),
    vpc_ep_server_name: Type.String({ description: 'Name of the VPC endpoint service.' }),
    vpc_ep_client_id: Type.String({ description: 'ID of the VPC endpoint.' }),
    vpc_ep_client_status: Type.String({
      description:
        'VPC endpoint status: accepted, or pendingAcceptance until the service owner accepts it; creating when it had not settled within the wait. Reads can also show rejected, failed, deleting, deleted and expired (see docs/api.md).',
    }),
    scene: Type.String({ description: 'Network scenario: dii-app_to_data-source.' }),
  },
  { $id: 'ConnectionRecord' },
);

export function registerVerifyAndCreate(scope: FastifyInstance, deps: WorkflowDeps): void {
  scope.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/:project_id/connections/vpc-endpoint',
    {
      config: { operation: 'VerifyAndCreateVpcEp', requiresWorkspace: true },
      schema: {
        operationId: 'VerifyAndCreateVpcEp',
        summary: 'Verify a VPC endpoint service and create a VPC endpoint',
        tags: ['connections'],
        params: ProjectParamsSchema,
        headers: WorkspaceHeadersSchema,
        body: VerifyAndCreateBodySchema,
        response: {
          200: ConnectionRecordSchema,
          ...commonErrorResponses,
          409: ErrorBodySchema,
          413: ErrorBodySchema,
          415: ErrorBodySchema,
        },
      },
    },
    async (request) => {
      const { body } = request;
      const dsType = canonicalDsType(body.ds_type);
      if (!dsType) {
        throw apiError(
          'invalidRequest',
          `Invalid request: ds_type "${body.ds_type}" is not supported; use one of ${DS_TYPES.join(', ')} (any letter case).`,
        );
      }

      return verifyAndCreate(deps, {
        principal: request.principal,
        workspaceId: request.workspace.id,
        dsType,
        serviceName: body.vpc_ep_server_name?.trim() || undefined,
        serviceId: body.vpc_ep_server_id?.trim() || undefined,
      });
    },
  );
}
