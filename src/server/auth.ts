/**
 * Authentication and scoping for the `/v1/{project_id}/...` API: the `X-Auth-Token` is validated through
 * IAM (cached), the token must be scoped to the path's project, and routes whose config sets
 * `requiresWorkspace` need an `X-Workspace-Id` that names a workspace of that project. Checks run in
 * this order, before the body is read, so an unauthenticated caller learns nothing about the body.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { CloudError } from '../cloud/errors.ts';
import type { IamClient } from '../cloud/ports.ts';
import type { Principal } from '../connections/types.ts';
import { upstreamFailure } from '../connections/upstream-errors.ts';
import { apiError } from '../errors.ts';
import { type Database, findWorkspace, type Workspace } from '../store/index.ts';
import type { TokenCache } from './token-cache.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    workspace: Workspace;
  }
  interface FastifyContextConfig {
    /** Operation name used in logs, as in the API reference. */
    operation?: string;
    requiresWorkspace?: boolean;
  }
}

export interface AuthOptions {
  iam: IamClient;
  tokenCache: TokenCache;
  db: Kysely<Database>;
}

/** Adds the checks to every route registered in `scope` after this call. */
export function addAuthentication(scope: FastifyInstance, options: AuthOptions): void {
  scope.decorateRequest('principal', null as unknown as Principal);
  scope.decorateRequest('workspace', null as unknown as Workspace);

  scope.addHook('onRequest', async (request) => {
    const projectId = (request.params as { project_id?: string }).project_id ?? '';
    request.principal = await authenticate(request, options, projectId);

    if (request.routeOptions.config.requiresWorkspace) {
      request.workspace = await resolveWorkspace(request, options.db, projectId);
    }
  });
}

async function authenticate(
  request: FastifyRequest,
  options: AuthOptions,
  projectId: string,
): Promise<Principal> {
  const token = singleHeader(request, 'x-auth-token');
  if (!token) {
    throw apiError(
      'tokenMissing',
      'The X-Auth-Token header is missing; get a token from IAM (POST /v3/auth/tokens, returned in the X-Subject-Token header) and send it as X-Auth-Token.',
    );
  }

  let info: Awaited<ReturnType<IamClient['validateToken']>>;
  try {
    info = await options.tokenCache.get(token, (value) => options.iam.validateToken(value));
  } catch (error) {
    if (
      error instanceof CloudError &&
      error.kind === 'http' &&
      (error.httpStatus === 404 || error.httpStatus === 401)
    ) {
      throw apiError(
        'tokenInvalid',
        'The X-Auth-Token is invalid or has expired; get a new token from IAM and retry.',
      );
    }
    if (error instanceof CloudError) throw upstreamFailure(error, 'validating the X-Auth-Token');
    throw error;
  }

  if (!info.projectId) {
    throw apiError(
      'projectForbidden',
      `The X-Auth-Token is scoped to the account "${info.domainName}", not to a project; get a token scoped to project ${projectId} (auth.scope.project.id in POST /v3/auth/tokens).`,
    );
  }
  if (info.projectId !== projectId) {
    throw apiError(
      'projectForbidden',
      `The X-Auth-Token is scoped to project ${info.projectId}, but the path names project ${projectId}; use a token scoped to project ${projectId}, or correct project_id in the path.`,
    );
  }
  return { userId: info.userId, userName: info.userName, domainId: info.domainId, projectId };
}

async function resolveWorkspace(
  request: FastifyRequest,
  db: Kysely<Database>,
  projectId: string,
): Promise<Workspace> {
  const workspaceId = singleHeader(request, 'x-workspace-id');
  if (!workspaceId) {
    throw apiError(
      'workspaceMissing',
      `The X-Workspace-Id header is missing; list the workspaces of project ${projectId} with GET /v1/${projectId}/workspaces and send one's id.`,
    );
  }

  const workspace = await findWorkspace(db, projectId, workspaceId);
  if (!workspace) {
    throw apiError(
      'workspaceNotFound',
      `Workspace "${workspaceId}" does not exist in project ${projectId}; list the workspaces with GET /v1/${projectId}/workspaces.`,
    );
  }
  return workspace;
}

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}
