/**
 * JSON over HTTP to one Huawei Cloud service endpoint: one keep-alive undici `Pool` per endpoint, AK/SK
 * signing of the exact bytes sent, connect/headers/body timeouts, bounded retries (see `retry.ts`), and every
 * failure mapped to `CloudError`. The IAM and VPCEP clients build on it, so callers never see an undici error.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { parseEndpoint, serializeQuery } from './endpoint-url.ts';
import { CloudError, type CloudService } from './errors.ts';
import { failureOutcome, observeAttempt, type TransportObserver } from './observer.ts';
import { ResponseShapeError } from './response-shape.ts';
import {
  type AttemptOutcome,
  type RetryEvent,
  type RetryOptions,
  type RetryPolicy,
  resolveRetryPolicy,
  sendWithRetries,
} from './retry.ts';
import { type AccessKey, parseAuthorization, signRequest } from './signer.ts';
import { type CallContext, httpError, invalidResponseError, transportError } from './upstream-errors.ts';

/** Timeouts in milliseconds, named as undici names them. */
export interface HttpTimeouts {
  /** Time to establish the TCP (and TLS) connection. */
  connectTimeout: number;
  /** Time from sending the request until the complete response headers arrive. */
  headersTimeout: number;
  /** Maximum idle time between two chunks of the response body. */
  bodyTimeout: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = {
  connectTimeout: 3000,
  headersTimeout: 10_000,
  bodyTimeout: 10_000,
};

/**
 * Larger response bodies are rejected as invalid. A VPCEP list page of 1000 endpoints, at roughly 1 KB
 * each (an estimate), stays well below it.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * The part of a pino logger that the transport uses: `debug` for each call, `warn` for each retry and
 * for each call that failed for good, `info` instead of `warn` for a final 4xx.
 */
export interface DebugLogger {
  debug(details: object, message: string): void;
  info?(details: object, message: string): void;
  warn?(details: object, message: string): void;
}

export interface CloudTransportOptions {
  service: CloudService;
  /** Base URL such as `https://vpcep.cn-north-4.myhuaweicloud.com`. Trailing slashes are ignored. */
  endpoint: string;
  /** AK/SK that signs every request. Without it, requests go out unsigned. */
  accessKey?: AccessKey;
  /** Headers sent and signed on every request, such as `X-Project-Id`. */
  fixedHeaders?: Record<string, string>;
  timeouts?: Partial<HttpTimeouts>;
  logger?: DebugLogger;
  maxResponseBytes?: number;
  /** Retries of throttled and failed calls; `{ maxAttempts: 1 }` disables them. */
  retry?: RetryOptions;
  /** Receives every attempt's outcome and every retry, for metrics. */
  observer?: TransportObserver;
}

export interface CloudRequest {
  /** Operation name used in errors and logs, such as `createEndpoint`. */
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the endpoint's base path, starting with `/`, ids already percent-encoded. */
  path: string;
  /** Query parameters. Undefined values are left out. */
  query?: Record<string, string | undefined>;
  /** JSON body, serialized compactly once. The signature covers exactly those bytes. */
  body?: object;
  /** Extra headers, sent and signed. Their values are treated as secrets and kept out of error messages. */
  headers?: Record<string, string>;
  /** Further values to keep out of error messages, such as a password inside the body. */
  secrets?: string[];
  /** Whether a 2xx response must carry a JSON body. */
  expectJson: boolean;
}

export interface CloudResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body when the request expected one, otherwise undefined. */
  body: unknown;
  requestId?: string;
}

interface RawExchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export class CloudTransport {
  readonly service: CloudService;
  readonly origin: string;
  readonly #basePath: string;
  readonly #pool: Pool;
  readonly #accessKey?: AccessKey;
  readonly #fixedHeaders: Record<string, string>;
  readonly #logger?: DebugLogger;
  readonly #retry: RetryPolicy;
  readonly #observer?: TransportObserver;
  #closed = false;

  constructor(options: CloudTransportOptions) {
    const { origin, basePath } = parseEndpoint(options.endpoint);
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };

    this.service = options.service;
    this.origin = origin;
    this.#basePath = basePath;
    this.#accessKey = options.accessKey;
    this.#fixedHeaders = options.fixedHeaders ?? {};
    this.#logger = options.logger;
    this.#retry = resolveRetryPolicy(options.retry);
    this.#observer = options.observer;
    this.#pool = new Pool(origin, {
      connectTimeout: timeouts.connectTimeout,
      headersTimeout: timeouts.headersTimeout,
      bodyTimeout: timeouts.bodyTimeout,
      maxResponseSize: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    });
  }

  /**
   * Sends a request and hands the 2xx response to `read`, which maps the body to a domain value. A
   * `ResponseShapeError` from `read` becomes a `CloudError` of kind `invalid-response`. Throttled and failed
   * calls are sent again as the retry policy allows. The error thrown is the last attempt's. When there
   * was more than one attempt, its message gives their number. That final failure is logged at warn.
   */
  async send<T>(request: CloudRequest, read: (response: CloudResponse) => T): Promise<T> {
    const url = this.#buildUrl(request);
    const bodyText = request.body === undefined ? undefined : JSON.stringify(request.body);
    let attempts = 0;
    try {
      return await sendWithRetries(
        this.#retry,
        request.method,
        () => {
          attempts += 1;
          const attempt = () => this.#attempt(request, url, bodyText, read);
          return observeAttempt(this.#observer, this.service, request.operation, attempt);
        },
        (event) => this.#onRetry(request, event),
      );
    } catch (error) {
      if (error instanceof CloudError) this.#logFailure(request, error, attempts);
      throw error;
    }
  }

  /**
   * Signs and sends the request once. Signing happens here because the signature covers `X-Sdk-Date`, which
   * must be fresh on every attempt.
   */
  async #attempt<T>(
    request: CloudRequest,
    url: URL,
    bodyText: string | undefined,
    read: (response: CloudResponse) => T,
  ): Promise<AttemptOutcome<T>> {
    const headers = this.#buildHeaders(request, url, bodyText);
    const context = this.#context(request, headers);
    const started = performance.now();

    let exchange: RawExchange;
    try {
      exchange = await this.#exchange(request.method, url, headers, bodyText);
    } catch (error) {
      const mapped = transportError(context, error);
      this.#log(request, url, started, { error: mapped instanceof CloudError ? mapped.kind : mapped.name });
      if (!(mapped instanceof CloudError)) throw mapped;
      return { error: mapped };
    }

    const requestId = firstHeader(exchange.headers['x-request-id']);
    this.#log(request, url, started, { status: exchange.status, requestId });
    if (exchange.status < 200 || exchange.status > 299) {
      const error = httpError(context, exchange.status, exchange.text, requestId);
      return { error, retryAfter: firstHeader(exchange.headers['retry-after']) };
    }
    return { value: this.#read(context, request, exchange, requestId, read) };
  }

  /** Closes the pool's connections after running requests finish. Calling it twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.close();
  }

  #buildUrl(request: CloudRequest): URL {
    if (!request.path.startsWith('/')) throw new TypeError(`path must start with "/": ${request.path}`);

    const url = new URL(`${this.origin}${this.#basePath}${request.path}`);
    url.search = serializeQuery(request.query ?? {});
    return url;
  }

  #buildHeaders(request: CloudRequest, url: URL, bodyText: string | undefined): Record<string, string> {
    const headers = {
      'Content-Type': 'application/json',
      ...this.#fixedHeaders,
      ...request.headers,
    };
    if (!this.#accessKey) return headers;
    return signRequest({ method: request.method, url, headers, body: bodyText }, this.#accessKey);
  }

  #context(request: CloudRequest, sentHeaders: Record<string, string>): CallContext {
    const secrets = [...Object.values(request.headers ?? {}), ...(request.secrets ?? [])];
    if (this.#accessKey) secrets.push(this.#accessKey.accessKeyId, this.#accessKey.secretAccessKey);

    const signature = parseAuthorization(sentHeaders.Authorization ?? '')?.signature;
    if (signature) secrets.push(signature);
    return { service: this.service, operation: request.operation, origin: this.origin, secrets };
  }

  /** Sends the request and reads the whole body, so that body timeouts and resets surface here too. */
  async #exchange(
    method: CloudRequest['method'],
    url: URL,
    headers: Record<string, string>,
    bodyText: string | undefined,
  ): Promise<RawExchange> {
    const response = await this.#pool.request({
      method,
      path: `${url.pathname}${url.search}`,
      headers,
      body: bodyText,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  }

  #read<T>(
    context: CallContext,
    request: CloudRequest,
    exchange: RawExchange,
    requestId: string | undefined,
    read: (response: CloudResponse) => T,
  ): T {
    const details = { httpStatus: exchange.status, requestId };
    let body: unknown;
    if (request.expectJson) {
      try {
        body = JSON.parse(exchange.text);
      } catch (error) {
        const reason = `the HTTP ${exchange.status} response body is not JSON`;
        throw invalidResponseError(context, reason, { ...details, cause: error });
      }
    }

    try {
      return read({ status: exchange.status, headers: exchange.headers, body, requestId });
    } catch (error) {
      if (error instanceof ResponseShapeError) throw invalidResponseError(context, error.message, details);
      throw error;
    }
  }

  /** Logs and reports a retry with the failure's status or kind; never headers, keys or tokens. */
  #onRetry(request: CloudRequest, { attempt, reason, error, delayMs }: RetryEvent): void {
    this.#observer?.onRetry({ service: this.service, operation: request.operation, reason });
    this.#logger?.warn?.(
      {
        upstream: this.service,
        operation: request.operation,
        method: request.method,
        attempt,
        maxAttempts: this.#retry.maxAttempts,
        reason,
        ...(error.kind === 'http'
          ? { status: error.httpStatus, code: error.code }
          : { error: error.message }),
        requestId: error.requestId,
        delayMs: Math.round(delayMs),
      },
      'upstream call failed, retrying',
    );
  }

  /**
   * Logs a call that failed for good, once, whatever the number of attempts. The error's message is safe
   * to log, because the transport strips keys, tokens and signatures from it when it builds the error.
   */
  #logFailure(request: CloudRequest, error: CloudError, attempts: number): void {
    // A 4xx is usually an outcome the caller expects and handles, such as 404 for a deleted endpoint.
    const expected = error.kind === 'http' && error.httpStatus !== undefined && error.httpStatus < 500;
    const log = expected ? this.#logger?.info : this.#logger?.warn;
    log?.call(
      this.#logger,
      {
        upstream: this.service,
        operation: request.operation,
        method: request.method,
        outcome: failureOutcome(error),
        status: error.httpStatus,
        code: error.code,
        requestId: error.requestId,
        attempts,
        error: error.message,
      },
      'upstream call failed',
    );
  }

  #log(request: CloudRequest, url: URL, started: number, outcome: object): void {
    this.#logger?.debug(
      {
        upstream: this.service,
        operation: request.operation,
        method: request.method,
        path: `${url.pathname}${url.search}`,
        ...outcome,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      },
      'upstream call',
    );
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
