/**
 * `GET /v1/{project_id}/workspaces`: the project's workspaces, so a caller can find the id that the
 * `X-Workspace-Id` header needs. Every project has a default workspace, created on its first listing.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { type Database, ensureDefaultWorkspace, listWorkspaces, type Workspace } from '../../store/index.ts';
import { AuthHeadersSchema, commonErrorResponses, ProjectParamsSchema } from '../schemas.ts';

const WorkspaceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  domain_id: Type.String(),
  project_id: Type.String(),
  is_default: Type.Integer({ description: '1 for the default workspace, else 0.' }),
  create_time: Type.Integer({ description: 'Epoch milliseconds.' }),
  create_user: Type.String(),
  update_time: Type.Integer({ description: 'Epoch milliseconds.' }),
  update_user: Type.String(),
});

const ListQuerySchema = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100, description: 'Case-insensitive part of the name.' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Default 0.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 10.' })),
  },
  { additionalProperties: false },
);

export function registerWorkspaces(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; clock: () => number },
) {
  scope.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/:project_id/workspaces',
    {
      config: { operation: 'ListWorkspaces' },
      schema: {
        summary: "List the project's workspaces",
        tags: ['workspaces'],
        params: ProjectParamsSchema,
        headers: AuthHeadersSchema,
        querystring: ListQuerySchema,
        response: {
          200: Type.Object({ count: Type.Integer(), page_data: Type.Array(WorkspaceSchema) }),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const { principal } = request;
      await ensureDefaultWorkspace(deps.db, {
        projectId: principal.projectId,
        domainId: principal.domainId,
        user: principal.userId,
        now: deps.clock(),
      });

      // The TypeBox validator does not apply schema defaults, so they are applied here.
      const { name, offset = 0, limit = 10 } = request.query;
      const { count, items } = await listWorkspaces(deps.db, {
        projectId: principal.projectId,
        name,
        offset,
        limit,
      });
      return { count, page_data: items.map(toWorkspaceBody) };
    },
  );
}

function toWorkspaceBody(workspace: Workspace) {
  return {
    id: workspace.id,
    name: workspace.name,
    description: workspace.description,
    domain_id: workspace.domainId,
    project_id: workspace.projectId,
    is_default: workspace.isDefault ? 1 : 0,
    create_time: workspace.createTime,
    create_user: workspace.createUser,
    update_time: workspace.updateTime,
    update_user: workspace.updateUser,
  };
}
