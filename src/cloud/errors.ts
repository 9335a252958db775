/** The one error type that IAM and VPCEP clients raise, whatever the upstream failure. */

export type CloudService = 'iam' | 'vpcep';

/**
 * - `http`: the upstream returned a non-2xx status (see `httpStatus` and `code`);
 * - `timeout`: no connection or no complete response within the configured time;
 * - `unreachable`: the connection was refused, reset or dropped before a response arrived;
 * - `invalid-response`: a 2xx response whose body could not be read as the expected JSON.
 */
export type CloudErrorKind = 'http' | 'timeout' | 'unreachable' | 'invalid-response';

export interface CloudErrorDetails {
  service: CloudService;
  operation: string;
  kind: CloudErrorKind;
  httpStatus?: number;
  /** Upstream error code, such as `EndPoint.2012` or `APIGW.0301`. */
  code?: string;
  /** Upstream request id from the `X-Request-Id` response header. */
  requestId?: string;
  cause?: unknown;
}

export class CloudError extends Error {
  readonly service: CloudService;
  readonly operation: string;
  readonly kind: CloudErrorKind;
  readonly httpStatus?: number;
  readonly code?: string;
  readonly requestId?: string;

  constructor(message: string, details: CloudErrorDetails) {
    super(message, { cause: details.cause });
    this.name = 'CloudError';
    this.service = details.service;
    this.operation = details.operation;
    this.kind = details.kind;
    this.httpStatus = details.httpStatus;
    this.code = details.code;
    this.requestId = details.requestId;
  }
}
