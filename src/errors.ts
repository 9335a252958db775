/**
 * The error catalogue: every error the API returns, with its stable code, HTTP status and a message
 * that names the value at fault and what to do next. `docs/errors.md` lists the same codes; a test
 * checks that the two agree.
 *
 * Codes follow DataArts Insight's form `DataArtsInsight.<8 digits>`. Two are DataArts Insight's own
 * documented codes: 24010003 (resource not found) and 24150005 (workspace does not exist, 400).
 * 2001xxxx are authentication and IAM, 2401xxxx are request and connection errors, 2409xxxx are
 * upstream and internal failures.
 */

export class ApiError extends Error {
  readonly code: string;
  readonly httpStatus: number;

  constructor(code: string, httpStatus: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

interface CatalogueEntry {
  code: string;
  httpStatus: number;
  meaning: string;
}

function entry(digits: string, httpStatus: number, meaning: string): CatalogueEntry {
  return { code: `DataArtsInsight.${digits}`, httpStatus, meaning };
}

/** Every code with its status and meaning; `docs/errors.md` mirrors this table. */
export const ERROR_CATALOGUE = {
  tokenMissing: entry('20010001', 401, 'The X-Auth-Token header is missing.'),
  tokenInvalid: entry('20010002', 401, 'IAM does not accept the token: it is invalid, expired or revoked.'),
  projectForbidden: entry('20010003', 403, 'The token is not scoped to the project in the path.'),
  iamFailed: entry(
    '20010090',
    502,
    'IAM returned an error or an unreadable response while validating the token.',
  ),
  iamUnavailable: entry('20010091', 503, 'IAM could not be reached.'),
  iamTimeout: entry('20010092', 504, 'IAM timed out.'),
  invalidRequest: entry('24010001', 400, 'The request body, a header or a query parameter is invalid.'),
  workspaceMissing: entry('24010002', 400, 'The X-Workspace-Id header is missing.'),
  bodyTooLarge: entry('24010004', 413, 'The request body is larger than 64 KiB.'),
  unsupportedMediaType: entry('24010005', 415, 'The request body is not sent as application/json.'),
  notFound: entry('24010003', 404, 'The requested resource does not exist.'),
  workspaceNotFound: entry('24150005', 400, 'The workspace in X-Workspace-Id does not exist in the project.'),
  workspaceNameInvalid: entry('24150000', 400, 'The workspace name is invalid.'),
  workspaceNameTaken: entry('24150001', 400, 'The project already has a workspace of that name.'),
  serviceUnspecified: entry('24010010', 400, 'Neither vpc_ep_server_name nor vpc_ep_server_id was given.'),
  serviceMismatch: entry(
    '24010011',
    400,
    'vpc_ep_server_name and vpc_ep_server_id name different endpoint services.',
  ),
  serviceNotFound: entry('24010012', 404, 'No endpoint service with that name or id exists in the region.'),
  regionMismatch: entry(
    '24010013',
    400,
    "The endpoint service name's region is not this deployment's region.",
  ),
  serviceNotInterface: entry('24010014', 400, 'The endpoint service is not of type interface.'),
  notWhitelisted: entry(
    '24010015',
    403,
    "The endpoint service's whitelist does not contain the platform's account.",
  ),
  endpointRejected: entry('24010016', 409, 'The endpoint service rejected the new VPC endpoint.'),
  createInProgress: entry('24010017', 409, 'Another request is creating or changing this connection.'),
  endpointFailed: entry('24090001', 502, 'VPCEP reported the new VPC endpoint as failed.'),
  endpointQuotaExceeded: entry('24090002', 503, "The platform's VPC endpoint quota is used up."),
  vpcepFailed: entry('24090090', 502, 'VPCEP returned an unexpected error or an unreadable response.'),
  vpcepUnavailable: entry('24090091', 503, 'VPCEP could not be reached.'),
  vpcepTimeout: entry('24090092', 504, 'VPCEP timed out.'),
  internal: entry(
    '24099999',
    500,
    'An unexpected error in vpcep-connect; the request id identifies it in the logs.',
  ),
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorName = keyof typeof ERROR_CATALOGUE;

/** Creates the catalogue's error `name` with a message specific to this occurrence. */
export function apiError(name: ErrorName, message: string, options?: { cause?: unknown }): ApiError {
  const { code, httpStatus } = ERROR_CATALOGUE[name];
  return new ApiError(code, httpStatus, message, options);
}
