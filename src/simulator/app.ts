/**
 * The simulator's Fastify app: one port serving IAM under `/v3` and VPCEP under `/v1/{project_id}`.
 *
 * Request bodies are kept as raw bytes, because the AK/SK signature covers the exact bytes sent, and each API
 * parses them itself so that a malformed body gets that API's own error.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { addIamGatewayCheck, addVpcepAuthentication, checkGatewaySignature } from './auth.ts';
import { registerConnectionRoutes } from './connections.ts';
import { registerEndpointRoutes } from './endpoints.ts';
import {
  type ErrorShape,
  familyForPath,
  keystoneError,
  notImplementedError,
  renderError,
  SimulatorError,
  vpcepError,
} from './errors.ts';
import { registerIamRoutes } from './iam.ts';
import { registerPermissionRoutes } from './permissions.ts';
import { registerQuotaRoutes } from './quotas.ts';
import { registerServiceRoutes } from './services.ts';
import type { SimulatorState } from './state.ts';

export interface AppOptions {
  errorShape: ErrorShape;
  logger: boolean;
}

export async function buildApp(state: SimulatorState, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    genReqId: () => randomUUID(),
    // Huawei's SDK puts any id that the caller gives into the path. Fastify's default limit of 100 characters
    // would reject a longer one with 414, a status that VPCEP does not document. With 1024, such ids reach
    // the routes and get VPCEP's own errors.
    routerOptions: { maxParamLength: 1024 },
    // Fastify replies to a path that fails to decode, or to a path parameter over its length limit, before any
    // hook runs. This handler gives those replies the API's error shape and an X-Request-Id.
    frameworkErrors: (error, request, reply) => {
      const rendered = renderError(toSimulatorError(error, request), options.errorShape, request.id);
      (reply as FastifyReply).header('X-Request-Id', request.id).code(rendered.status).send(rendered.body);
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Status changes that are due are applied before any request can observe the state.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    state.settle();
  });

  app.setErrorHandler((error, request, reply) => {
    const simulatorError = toSimulatorError(error, request);
    if (simulatorError.status >= 500 && !(error instanceof SimulatorError)) {
      request.log.error({ err: error }, 'request failed with an unexpected error');
    } else {
      request.log.info({ code: simulatorError.code, status: simulatorError.status }, 'request rejected');
    }

    const rendered = renderError(simulatorError, options.errorShape, request.id);
    return reply.code(rendered.status).send(rendered.body);
  });

  // API Gateway checks a signature before it routes, so a signed request whose method or path was altered
  // fails authentication before it could reach an API that the simulator does not serve.
  app.setNotFoundHandler(async (request) => {
    checkGatewaySignature(request, state);
    const path = pathOf(request);
    throw notImplementedError(familyForPath(path), request.method, path);
  });

  await app.register(async (iam) => {
    addIamGatewayCheck(iam, state);
    registerIamRoutes(iam, state);
  });
  await app.register(
    async (vpcep) => {
      addVpcepAuthentication(vpcep, state);
      registerServiceRoutes(vpcep, state);
      registerEndpointRoutes(vpcep, state);
      registerConnectionRoutes(vpcep, state);
      registerPermissionRoutes(vpcep, state);
      registerQuotaRoutes(vpcep, state);
    },
    { prefix: '/v1/:projectId' },
  );
  return app;
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0];
}

/**
 * Maps any thrown value to a `SimulatorError`. Fastify's own client errors, such as a body over the size
 * limit, keep their status and get the API's parameter-error body. Anything else is a 500.
 */
function toSimulatorError(error: unknown, request: FastifyRequest): SimulatorError {
  if (error instanceof SimulatorError) return error;

  const family = familyForPath(pathOf(request));
  const status = (error as { statusCode?: unknown }).statusCode;
  const message = error instanceof Error ? error.message : String(error);

  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (family === 'keystone') return keystoneError(status, `The request is invalid: ${message}`);
    return new SimulatorError(status, 'vpcep', 'EndPoint.0002', `Parameter error. ${message}`);
  }

  if (family === 'keystone') return keystoneError(500, 'The simulator failed to handle the request.');
  return vpcepError('EndPoint.0001');
}
