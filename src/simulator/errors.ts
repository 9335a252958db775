/**
 * The simulator's one error factory and renderer.
 *
 * Every failure is a `SimulatorError` thrown from a handler or hook, and the app's error handler renders it
 * in the body shape of the service that would have produced it on Huawei Cloud:
 * - `vpcep`: VPCEP's own errors, `{"error":{"code","message"}}` or `{"error_code","error_msg"}` (Huawei
 *   documents both shapes, so the app option `errorShape` picks one);
 * - `gateway`: API Gateway's authentication failures, `{"error_code":"APIGW.0301","error_msg","request_id"}`;
 * - `keystone`: IAM's Keystone-style errors, `{"error":{"code":<status>,"message","title"}}`.
 */
import { STATUS_CODES } from 'node:http';

export type ErrorFamily = 'vpcep' | 'gateway' | 'keystone';

export type ErrorShape = 'nested' | 'flat';

export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    readonly family: ErrorFamily,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

/**
 * VPCEP error codes with the HTTP status and the message that VPCEP's error-code table gives them.
 * `Simulator.0501` is the simulator's own code for an API it does not implement.
 */
const VPCEP_CODES = {
  'EndPoint.0001': [500, 'System error. Please retry.'],
  'EndPoint.0002': [400, 'Parameter error.'],
  'EndPoint.0004': [403, 'Authentication information is incorrect or you have no permissions.'],
  'EndPoint.0005': [404, 'The requested resource does not exist.'],
  'EndPoint.0006': [400, 'Invalid limit.'],
  'EndPoint.0010': [400, 'Invalid offset.'],
  'EndPoint.0017': [400, 'Invalid sort_key.'],
  'EndPoint.0018': [400, 'Invalid sort_dir.'],
  'EndPoint.0019': [400, 'Invalid status.'],
  'Endpoint.1018': [400, 'Quota exceeded.'],
  'EndPoint.2001': [400, 'The VPC does not exist.'],
  'EndPoint.2003': [400, 'The endpoint service does not exist.'],
  'EndPoint.2004': [400, 'The endpoint service is unavailable.'],
  'EndPoint.2006': [404, 'The endpoint does not exist.'],
  'EndPoint.2010': [400, 'The subnet ID is empty.'],
  'EndPoint.2011': [400, 'The VPC ID is empty.'],
  'EndPoint.2012': [400, 'You have no permission to connect to the VPC endpoint service.'],
  'EndPoint.2013': [400, 'The endpoint does not belong to the endpoint service.'],
  'EndPoint.2018': [400, 'The endpoint is being deleted.'],
  'EndPoint.2022': [400, 'Failed to create an endpoint.'],
  'EndPoint.2029': [400, 'The requested endpoint service ID is empty.'],
  'EndPoint.2031': [400, 'Only one endpoint is allowed.'],
  'EndPoint.2033': [400, 'Invalid enable_dns.'],
  'EndPoint.2037': [400, 'The current network does not belong to the VPC.'],
  'EndPoint.2041': [400, 'Invalid port IP.'],
  'EndPoint.2042': [400, 'The port IP is in use.'],
  'EndPoint.2043': [400, 'The port IP is not valid for the subnet.'],
  'EndPoint.2044': [400, 'Invalid whitelist.'],
  'EndPoint.2045': [400, 'The maximum number of whitelist records of the endpoint has been reached.'],
  'EndPoint.2047': [400, 'An endpoint in the failed status cannot be modified.'],
  'EndPoint.3002': [400, 'Invalid permission.'],
  'EndPoint.3006': [400, 'The endpoint service is being used.'],
  'EndPoint.3035': [400, 'Invalid permission action.'],
  'EndPoint.3036': [400, 'The permissions are empty.'],
  'EndPoint.3043': [400, 'Invalid endpoint service port.'],
  'EndPoint.3044': [400, 'The endpoint service ports conflict.'],
  'EndPoint.3074': [400, 'The maximum number of endpoint service ports has been reached.'],
  'EndPoint.3075': [400, 'Invalid protocol.'],
  'EndPoint.3076': [400, 'Invalid service name.'],
  'Simulator.0501': [501, 'The simulator does not implement this API.'],
} as const satisfies Record<string, readonly [number, string]>;

export type VpcepCode = keyof typeof VPCEP_CODES;

/** Builds a VPCEP error. `detail` follows the documented message and should name the value at fault. */
export function vpcepError(code: VpcepCode, detail?: string): SimulatorError {
  const [status, message] = VPCEP_CODES[code];
  return new SimulatorError(status, 'vpcep', code, detail ? `${message} ${detail}` : message);
}

/** Builds API Gateway's 401 for a missing, malformed, unknown or mismatching credential. */
export function gatewayAuthError(reason: string): SimulatorError {
  return new SimulatorError(
    401,
    'gateway',
    'APIGW.0301',
    `Incorrect IAM authentication information: ${reason}`,
  );
}

const KEYSTONE_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  501: 'Not Implemented',
};

/** Builds an IAM error; Keystone uses the HTTP status as the code. */
export function keystoneError(status: number, message: string): SimulatorError {
  return new SimulatorError(status, 'keystone', String(status), message);
}

export function invalidKeystoneBody(): SimulatorError {
  return keystoneError(400, 'The request body is invalid');
}

/** Builds the 501 for a method and path that the simulator does not serve, in the family's shape. */
export function notImplementedError(family: ErrorFamily, method: string, path: string): SimulatorError {
  const detail = `${method} ${path} is not simulated.`;
  if (family === 'keystone')
    return keystoneError(501, `The simulator does not implement this API: ${detail}`);
  return vpcepError('Simulator.0501', detail);
}

export interface RenderedError {
  status: number;
  body: Record<string, unknown>;
}

export function renderError(error: SimulatorError, shape: ErrorShape, requestId: string): RenderedError {
  if (error.family === 'gateway') {
    return {
      status: error.status,
      body: { error_code: error.code, error_msg: error.message, request_id: requestId },
    };
  }

  if (error.family === 'keystone') {
    // Keystone's titles are the HTTP reason phrases, so statuses without an entry take Node's phrase.
    const title = KEYSTONE_TITLES[error.status] ?? STATUS_CODES[error.status] ?? 'Error';
    return {
      status: error.status,
      body: { error: { code: error.status, message: error.message, title } },
    };
  }

  const body =
    shape === 'nested'
      ? { error: { code: error.code, message: error.message } }
      : { error_code: error.code, error_msg: error.message };
  return { status: error.status, body };
}

/** Picks the error family for a request path: IAM lives under `/v3`, everything else is VPCEP. */
export function familyForPath(path: string): ErrorFamily {
  return path === '/v3' || path.startsWith('/v3/') ? 'keystone' : 'vpcep';
}
