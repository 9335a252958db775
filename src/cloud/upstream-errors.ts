/**
 * Turns upstream failures into `CloudError`: transport errors from undici by their error code, and
 * non-2xx responses by whichever error body the service sent. Huawei services use three body shapes:
 *
 * - `{"error":{"code":"EndPoint.0005","message":"..."}}` (VPCEP API reference);
 * - `{"error_code":"EndPoint.0002","error_msg":"...","request_id":"..."}` (VPCEP error-code page, API Gateway);
 * - `{"error":{"code":401,"message":"...","title":"Unauthorized"}}` (IAM, Keystone style, numeric code).
 */
import { STATUS_CODES } from 'node:http';
import { CloudError, type CloudErrorKind, type CloudService } from './errors.ts';

/** Upstream messages longer than this are cut, so that an echoed request cannot flood logs and responses. */
const MAX_UPSTREAM_MESSAGE_LENGTH = 500;

/** Secrets shorter than this are not redacted, because replacing a few common characters would garble text. */
const MIN_REDACTED_LENGTH = 4;

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

const INVALID_RESPONSE_CODES = new Set([
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_HEADERS_OVERFLOW',
]);

/** Errors that mean the request itself was malformed or cancelled by our side, not that the upstream failed. */
const CALLER_ERROR_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_ABORTED', 'UND_ERR_ABORT']);

export const SERVICE_LABELS: Record<CloudService, string> = { iam: 'IAM', vpcep: 'VPCEP' };

/** Identity of one upstream call, for error messages and error fields. */
export interface CallContext {
  service: CloudService;
  operation: string;
  /** Origin of the upstream, such as `https://vpcep.cn-north-4.myhuaweicloud.com`. */
  origin: string;
  /** Strings that must not appear in an error message: keys, tokens, signatures. */
  secrets: string[];
}

export interface UpstreamErrorBody {
  code?: string;
  message?: string;
  requestId?: string;
}

/** Reads the error code, message and request id from any of the three error body shapes. */
export function parseErrorBody(text: string): UpstreamErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isRecord(parsed)) return {};

  const requestId = stringOrUndefined(parsed.request_id);
  if (isRecord(parsed.error)) {
    // Keystone sends the HTTP status as a number in `code`. That is no service error code, so it is dropped.
    return {
      code: stringOrUndefined(parsed.error.code),
      message: stringOrUndefined(parsed.error.message),
      requestId,
    };
  }
  return {
    code: stringOrUndefined(parsed.error_code),
    message: stringOrUndefined(parsed.error_msg),
    requestId,
  };
}

/** Builds the `http` error for a non-2xx response. */
export function httpError(
  context: CallContext,
  status: number,
  bodyText: string,
  headerRequestId: string | undefined,
): CloudError {
  const body = parseErrorBody(bodyText);
  const upstreamMessage = body.message?.trim() || STATUS_CODES[status] || 'no error message';
  const codePart = body.code ? ` ${body.code}` : '';
  const message = `${label(context)} failed with HTTP ${status}${codePart}: ${clean(upstreamMessage, context)}`;

  return new CloudError(message, {
    service: context.service,
    operation: context.operation,
    kind: 'http',
    httpStatus: status,
    code: body.code,
    requestId: headerRequestId ?? body.requestId,
  });
}

/** Builds the `invalid-response` error for a response that is not what the operation expects. */
export function invalidResponseError(
  context: CallContext,
  reason: string,
  details: { httpStatus?: number; requestId?: string; cause?: unknown } = {},
): CloudError {
  return new CloudError(`${label(context)} returned an invalid response: ${clean(reason, context)}`, {
    service: context.service,
    operation: context.operation,
    kind: 'invalid-response',
    ...details,
  });
}

/**
 * Maps an error thrown while sending a request or reading its response. Errors that come from our own
 * request (invalid arguments, an abort) are returned unchanged, because no upstream failed.
 */
export function transportError(context: CallContext, error: unknown): Error {
  const code = errorCode(error);
  if (code !== undefined && CALLER_ERROR_CODES.has(code)) return error as Error;

  const kind = transportErrorKind(code);
  const detail = code ?? (error instanceof Error ? error.name : 'unknown error');
  const messages: Record<Exclude<CloudErrorKind, 'http'>, string> = {
    timeout: `${label(context)} timed out: no complete response from ${context.origin} in time (${detail})`,
    unreachable: `${label(context)} failed: the connection to ${context.origin} failed (${detail})`,
    'invalid-response': `${label(context)} returned an invalid response from ${context.origin} (${detail})`,
  };

  return new CloudError(messages[kind], {
    service: context.service,
    operation: context.operation,
    kind,
    cause: error,
  });
}

function transportErrorKind(code: string | undefined): Exclude<CloudErrorKind, 'http'> {
  if (code === undefined) return 'unreachable';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (INVALID_RESPONSE_CODES.has(code) || code.startsWith('HPE_')) return 'invalid-response';
  return 'unreachable';
}

/** Reads `code` from an error, looking into the first error of an AggregateError (dual-stack connects). */
function errorCode(error: unknown): string | undefined {
  if (!isRecord(error)) return undefined;
  if (typeof error.code === 'string') return error.code;
  if (error instanceof AggregateError && error.errors.length > 0) return errorCode(error.errors[0]);
  return undefined;
}

function label(context: CallContext): string {
  return `${SERVICE_LABELS[context.service]} ${context.operation}`;
}

/** Removes secrets that an upstream may echo (API Gateway can echo the canonical request) and caps length. */
function clean(text: string, context: CallContext): string {
  let result = text;
  for (const secret of context.secrets) {
    if (secret.length >= MIN_REDACTED_LENGTH) result = result.split(secret).join('[redacted]');
  }
  return result.length > MAX_UPSTREAM_MESSAGE_LENGTH
    ? `${result.slice(0, MAX_UPSTREAM_MESSAGE_LENGTH)}...`
    : result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
