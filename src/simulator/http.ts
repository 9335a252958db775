/**
 * Route registration and request reading shared by the IAM and VPCEP routes.
 *
 * Every route goes through `addRoute`, which is the one place where the state's fault hook runs, so that a
 * fault can be injected into any operation by name without touching its handler.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorState } from './state.ts';

export type SimulatorRequest = FastifyRequest<{
  Params: Record<string, string>;
  Querystring: Record<string, string | string[] | undefined>;
}>;

/** Status, body and headers of a handler's response, which `addRoute` sends after the fault hook has seen it. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Operation name as Huawei's SDK calls it, passed to the fault hook. */
  operation: string;
  handler: (request: SimulatorRequest) => RouteResult;
}

export function addRoute(app: FastifyInstance, state: SimulatorState, route: RouteDefinition): void {
  app.route({
    method: route.method,
    url: route.url,
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const context = { operation: route.operation, request, reply };
      await state.faultHook?.before?.(context);
      if (reply.sent) return reply;

      let result: unknown = route.handler(request as SimulatorRequest);
      if (state.faultHook?.after) result = await state.faultHook.after(context, result);
      if (reply.sent) return reply;

      return sendResult(reply, result as RouteResult);
    },
  });
}

function sendResult(reply: FastifyReply, result: RouteResult): FastifyReply {
  reply.code(result.status);
  if (result.headers) reply.headers(result.headers);
  return result.body === undefined ? reply.send() : reply.send(result.body);
}

export function ok(body: unknown, status = 200): RouteResult {
  return { status, body };
}

/** Returns the request body bytes exactly as received, because the app's content parser keeps them unparsed. */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** Parses the body as a JSON object. Returns undefined when it is empty, not JSON, or not an object. */
export function parseJsonObject(request: FastifyRequest): Record<string, unknown> | undefined {
  const text = rawBody(request).toString('utf8');
  if (text.trim() === '') return undefined;

  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns a query parameter, or the first value of a repeated one. */
export function queryValue(request: SimulatorRequest, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[0] : value;
}

export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
