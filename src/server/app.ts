/**
 * The Fastify application: request ids, one log line per request, error rendering, the OpenAPI
 * document, the health check, and the authenticated `/v1/{project_id}/...` routes.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { sql } from 'kysely';
import type { IamClient } from '../cloud/ports.ts';
import type { WorkflowDeps } from '../connections/deps.ts';
import { apiError } from '../errors.ts';
import { addAuthentication } from './auth.ts';
import { registerErrorHandling, sendError } from './error-handler.ts';
import { registerConnectionReads } from './routes/connections.ts';
import { registerVerifyAndCreate } from './routes/verify-and-create.ts';
import { registerWorkspaces } from './routes/workspaces.ts';
import { ErrorBodySchema } from './schemas.ts';
import { TokenCache } from './token-cache.ts';

export interface AppOptions {
  workflow: WorkflowDeps;
  iam: IamClient;
  logger: FastifyBaseLogger;
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
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // Every body of this API is JSON; a text/plain body is answered 415 instead of failing validation.
  app.removeContentTypeParser('text/plain');
  app.addSchema(ErrorBodySchema);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : 'info';
    request.log[level](
      {
        operation: request.routeOptions.config?.operation,
        method: request.method,
        path: request.routeOptions.url ?? request.url.split('?')[0],
        status,
        durationMs: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });
  registerErrorHandling(app);
  await registerOpenApi(app);

  app.get(
    '/healthz',
    { config: { operation: 'Health' }, schema: { hide: true } },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(options.workflow.db);
        return { status: 'ok' };
      } catch (error) {
        reply.log.error({ err: error }, 'health check failed: the database does not answer');
        return sendError(reply, apiError('internal', 'The database does not answer; see the service log.'));
      }
    },
  );

  await app.register(async (scope) => {
    addAuthentication(scope, {
      iam: options.iam,
      tokenCache: options.tokenCache ?? new TokenCache(),
      db: options.workflow.db,
    });
    registerWorkspaces(scope, options.workflow);
    registerVerifyAndCreate(scope, options.workflow);
    registerConnectionReads(scope, options.workflow);
  });

  return app;
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
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
