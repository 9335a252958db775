/**
 * Retry policy of the cloud transport: which failed calls are sent again, and how long to wait first.
 *
 * A throttled call is retried whatever its method, because the gateway or service rejected it before running
 * it. Server errors (500, 502, 503, 504), timeouts and failed connections are retried only for GET and
 * DELETE, because a POST may have taken effect before its response was lost. A retried DELETE whose first
 * attempt went through gets 404 or `EndPoint.2018` (being deleted), which callers treat as deleted.
 * Delays grow exponentially with full jitter, so that clients throttled together do not retry together.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { CloudError } from './errors.ts';

export interface RetryOptions {
  /** Attempts per call, the first included. 1 disables retries. Default 4. */
  maxAttempts?: number;
  /** Upper bound of the first delay in milliseconds, doubled for each further retry. Default 200. */
  baseDelayMs?: number;
  /** Cap on any delay in milliseconds, `Retry-After` included. Default 3000. */
  maxDelayMs?: number;
  /** Function that waits between attempts. Tests replace it to skip real waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of numbers in [0, 1) that scale each delay. Default `Math.random`. */
  random?: () => number;
}

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: Readonly<Pick<RetryPolicy, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>> = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 3000,
};

/**
 * Error codes that mean "throttled" whatever the HTTP status: VPCEP's `EndPoint.0022`, which its error-code
 * table lists with HTTP 400, and the API gateway's `APIGW.0308`, sent with 429.
 */
const THROTTLE_CODES = new Set(['EndPoint.0022', 'APIGW.0308']);

const RETRIED_SERVER_STATUSES = new Set([500, 502, 503, 504]);

/** Methods whose calls are retried after a server error or a transport failure. */
const IDEMPOTENT_METHODS = new Set(['GET', 'DELETE']);

/** Why a failed call is retried: throttling, a server error (HTTP 500, 502, 503, 504) or a transport error kind. */
export type RetryReason = 'throttled' | 'server-error' | 'timeout' | 'unreachable';

/** Result of one attempt: the value read from a 2xx response, or the error with the response's `Retry-After`. */
export type AttemptOutcome<T> = { value: T } | { error: CloudError; retryAfter?: string };

/** A failed attempt that is about to be retried, after `delayMs`. */
export interface RetryEvent {
  attempt: number;
  reason: RetryReason;
  error: CloudError;
  delayMs: number;
}

/**
 * Runs `attempt` until it returns a value, its error may not be retried, or `maxAttempts` attempts have
 * failed. Calls `onRetry` before each wait. Throws the last error, with the attempt count in its message.
 */
export async function sendWithRetries<T>(
  policy: RetryPolicy,
  method: string,
  attempt: () => Promise<AttemptOutcome<T>>,
  onRetry: (event: RetryEvent) => void,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    const outcome = await attempt();
    if ('value' in outcome) return outcome.value;

    const reason = retryReason(method, outcome.error);
    if (reason === undefined || attemptNumber >= policy.maxAttempts) {
      throw withAttemptCount(outcome.error, attemptNumber);
    }

    const delayMs = retryDelay(policy, attemptNumber, outcome.retryAfter);
    onRetry({ attempt: attemptNumber, reason, error: outcome.error, delayMs });
    await policy.sleep(delayMs);
  }
}

/** Fills in the defaults and checks the numbers. Throws a `RangeError` naming the invalid option. */
export function resolveRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY,
    sleep: (ms) => sleepFor(ms),
    random: Math.random,
    ...withoutUndefined(options),
  };

  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  }
  for (const name of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[name]) || policy[name] < 0) {
      throw new RangeError(`retry.${name} must be a non-negative number, got ${policy[name]}`);
    }
  }
  return policy;
}

/** Returns why the failed call may be sent again, or undefined when it must not be. */
export function retryReason(method: string, error: CloudError): RetryReason | undefined {
  if (isThrottled(error)) return 'throttled';
  if (!IDEMPOTENT_METHODS.has(method)) return undefined;

  if (error.kind === 'http' && RETRIED_SERVER_STATUSES.has(error.httpStatus ?? 0)) return 'server-error';
  if (error.kind === 'timeout' || error.kind === 'unreachable') return error.kind;
  return undefined;
}

export function isThrottled(error: CloudError): boolean {
  if (error.kind !== 'http') return false;
  return error.httpStatus === 429 || (error.code !== undefined && THROTTLE_CODES.has(error.code));
}

/**
 * Returns the wait in milliseconds after failed attempt `attempt` (1-based): the `Retry-After` seconds when
 * the response had them, else `random() * min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`. Both are capped
 * at `maxDelayMs`.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter?: string): number {
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);

  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return policy.random() * ceiling;
}

/**
 * Reads a `Retry-After` value in whole seconds. The HTTP-date form is ignored, so such a response falls back
 * to the computed backoff.
 */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value) * 1000;
}

/** Returns the final error, with the number of attempts in its message when there was more than one. */
export function withAttemptCount(error: CloudError, attempts: number): CloudError {
  if (attempts <= 1) return error;
  return new CloudError(`${error.message} (after ${attempts} attempts)`, {
    service: error.service,
    operation: error.operation,
    kind: error.kind,
    httpStatus: error.httpStatus,
    code: error.code,
    requestId: error.requestId,
    cause: error.cause,
  });
}

function withoutUndefined(options: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(options).filter((entry) => entry[1] !== undefined));
}
