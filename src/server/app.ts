/**
 * The Fastify application: request ids, one log line and one metrics sample per request, error
 * rendering, the OpenAPI document, the monitoring endpoints, and the authenticated
 * `/v1/{project_id}/...` routes.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { IamClient } from '../cloud/ports.ts';
import type { WorkflowDeps } from '../connections/deps.ts';
import { ApiError, ERROR_CATALOGUE } from '../errors.ts';
import type { Workspace } from '../store/index.ts';
import { addAuthentication } from './auth.ts';
import { registerErrorHandling, sendError } from './error-handler.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { ReadinessChecks } from './readiness.ts';
import { trackRequestIds } from './request-context.ts';
import { registerConnectionReads } from './routes/connections.ts';
import { registerMonitoring } from './routes/monitoring.ts';
import { registerVerifyAndCreate } from './routes/verify-and-create.ts';
import { registerWorkspaceCreate, registerWorkspaces } from './routes/workspaces.ts';
import { ErrorBodySchema } from './schemas.ts';
import { TokenCache } from './token-cache.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on probes and scrapes, which are neither logged nor counted in the request metrics. */
    monitoring?: boolean;
  }
}

export interface AppOptions {
  workflow: WorkflowDeps;
  iam: IamClient;
  logger: FastifyBaseLogger;
  metrics: ServiceMetrics;
  /** Closed with the app. */
  readiness: ReadinessChecks;
  /** Default: a new cache that reports its hits and misses to `metrics`. */
  tokenCache?: TokenCache;
}

/** Incoming `X-Request-Id` values are reused when they look like an id; anything else gets a new uuid. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Bodies of this API are a few hundred bytes; 64 KiB leaves room without inviting abuse. */
const BODY_LIMIT_BYTES = 64 * 1024;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    // The onResponse hook below writes the one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify rejects an undecodable path or an over-long path parameter before any hook runs, so this
    // gives those responses the API's error body and request id.
    frameworkErrors: (error, request, reply) => {
      reply.header('X-Request-Id', request.id);
      const status =
        error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const { code } = ERROR_CATALOGUE.invalidRequest;
      return sendError(reply, new ApiError(code, status, frameworkErrorMessage(error)));
    },
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // Every body of this API is JSON, so a text/plain body gets 415 instead of failing validation.
  app.removeContentTypeParser('text/plain');
  app.addSchema(ErrorBodySchema);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  trackRequestIds(app);
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.config?.monitoring) return;
    completeRequest(request, reply, options.metrics);
  });
  app.addHook('onClose', () => options.readiness.close());
  registerErrorHandling(app);
  await registerOpenApi(app);

  registerMonitoring(app, {
    db: options.workflow.db,
    readiness: options.readiness,
    metrics: options.metrics,
  });

  await app.register(async (scope) => {
    addAuthentication(scope, {
      iam: options.iam,
      tokenCache: options.tokenCache ?? new TokenCache({ onLookup: options.metrics.onTokenLookup }),
      db: options.workflow.db,
    });
    registerWorkspaces(scope, options.workflow);
    registerWorkspaceCreate(scope, options.workflow);
    registerVerifyAndCreate(scope, options.workflow);
    registerConnectionReads(scope, options.workflow);
  });

  return app;
}

/** Writes the request's one log line and records its metrics. */
function completeRequest(request: FastifyRequest, reply: FastifyReply, metrics: ServiceMetrics): void {
  const status = reply.statusCode;
  // Fastify's not-found handler runs without a route, so unknown paths share one operation.
  const matched = request.routeOptions.url !== undefined;
  const operation = matched ? (request.routeOptions.config?.operation ?? 'Unnamed') : 'NotFound';
  metrics.observeRequest(operation, request.method, status, reply.elapsedTime / 1000);

  const level = logLevel(status);
  const workspace = request.workspace as Workspace | null | undefined;
  request.log[level](
    {
      operation,
      method: request.method,
      path: request.routeOptions.url ?? request.url.split('?')[0],
      status,
      durationMs: Math.round(reply.elapsedTime),
      projectId: matched ? (request.params as { project_id?: string }).project_id : undefined,
      workspaceId: workspace?.id,
    },
    'request completed',
  );
}

/**
 * Returns the level of a request's log line. Client errors log at info, except 401 and 403: a run of
 * those can mean someone is probing with stolen or stale tokens, so they log at warn.
 */
function logLevel(status: number): 'info' | 'warn' | 'error' {
  if (status >= 500) return 'error';
  if (status === 401 || status === 403) return 'warn';
  return 'info';
}

function frameworkErrorMessage(error: FastifyError): string {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return 'Invalid request: a path parameter is too long; connection ids are 32 characters.';
  }
  return 'Invalid request: the path is not a valid URL; percent-encode each path segment.';
}

async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'vpcep-connect',
        version: '0.1.0',
        description:
          "Verify a customer's VPC endpoint service and create a VPC endpoint to it. POST /v1/{project_id}/connections/vpc-endpoint follows DataArts Insight's VerifyAndCreateVpcEp contract.",
      },
      components: {
        securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } },
      },
      security: [{ token: [] }],
    },
  });
  app.get('/openapi.json', { config: { operation: 'OpenApi' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
