/**
 * The id of the API request being served, for log lines written by code that the request runs but that
 * is not handed the request, such as the upstream transport. Lines written outside any request, by the
 * status sync for example, carry no id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import type { DebugLogger } from '../cloud/index.ts';

const requestIds = new AsyncLocalStorage<string>();

/** Returns the id of the API request whose work is running, or undefined outside a request. */
export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}

/**
 * Makes `currentRequestId` return each request's id while its hooks and handler run. Fastify 5 carries
 * the async context across body parsing (its content-type parser runs in an AsyncResource), so entering
 * the context once in onRequest covers the handler too.
 */
export function trackRequestIds(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    requestIds.run(request.id, done);
  });
}

/** Wraps `logger` so that each line written during a request carries its id as `reqId`, as Fastify's do. */
export function withRequestId(logger: Required<DebugLogger>): Required<DebugLogger> {
  const withId = (details: object) => {
    const reqId = currentRequestId();
    return reqId === undefined ? details : { reqId, ...details };
  };
  return {
    debug: (details, message) => logger.debug(withId(details), message),
    info: (details, message) => logger.info(withId(details), message),
    warn: (details, message) => logger.warn(withId(details), message),
  };
}
