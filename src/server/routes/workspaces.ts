/**
 * `GET /v1/{project_id}/workspaces`: the project's workspaces, so a caller can find the id that the
 * `X-Workspace-Id` header needs. Every project has a default workspace, created on its first listing.
 */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { apiError } from '../../errors.ts';
import {
  type Database,
  ensureDefaultWorkspace,
  insertWorkspace,
  listWorkspaces,
  UniqueViolationError,
  type Workspace,
} from '../../store/index.ts';
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
        operationId: 'ListWorkspaces',
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

const CreateBodySchema = Type.Object(
  {
    name: Type.String({ maxLength: 64, description: '1 to 32 letters, digits, underscores or hyphens.' }),
    description: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);

/** Letters (any script, as DataArts Insight allows Chinese), digits, `_` and `-`, up to 32 characters. */
const WORKSPACE_NAME = /^[\p{L}\p{N}_-]{1,32}$/u;

export function registerWorkspaceCreate(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; clock: () => number },
) {
  scope.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/:project_id/workspaces',
    {
      config: { operation: 'CreateWorkspace' },
      schema: {
        operationId: 'CreateWorkspace',
        summary: 'Create a workspace in the project',
        tags: ['workspaces'],
        params: ProjectParamsSchema,
        headers: AuthHeadersSchema,
        body: CreateBodySchema,
        response: { 200: WorkspaceSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const { name, description = '' } = request.body;
      if (!WORKSPACE_NAME.test(name)) {
        throw apiError(
          'workspaceNameInvalid',
          `Workspace name "${name}" is invalid; use 1 to 32 letters, digits, underscores or hyphens.`,
        );
      }

      const { principal } = request;
      const now = deps.clock();
      try {
        const workspace = await insertWorkspace(deps.db, {
          id: randomUUID().replaceAll('-', ''),
          projectId: principal.projectId,
          domainId: principal.domainId,
          name,
          description,
          isDefault: false,
          createTime: now,
          createUser: principal.userId,
          updateTime: now,
          updateUser: principal.userId,
        });
        return toWorkspaceBody(workspace);
      } catch (error) {
        if (!(error instanceof UniqueViolationError)) throw error;
        throw apiError(
          'workspaceNameTaken',
          `Project ${principal.projectId} already has a workspace named "${name}"; choose another name, or list the workspaces to find its id.`,
        );
      }
    },
  );
}
