/**
 * IAM client: validates user tokens for the platform (AK/SK signed, as Huawei's own SDK does it) and
 * obtains password tokens for demos, tests and the command line.
 */
import type { HttpTimeouts } from './http.ts';
import { CloudTransport, type DebugLogger } from './http.ts';
import type { TransportObserver } from './observer.ts';
import type { IamClient, TokenInfo } from './ports.ts';
import {
  asArray,
  asObject,
  type JsonObject,
  optionalString,
  ResponseShapeError,
  requiredDate,
  requiredString,
} from './response-shape.ts';
import type { RetryOptions } from './retry.ts';
import type { AccessKey } from './signer.ts';

const TOKENS_PATH = '/v3/auth/tokens';

/** Any non-empty `nocatalog` value makes IAM leave the service catalog out of the token body. */
const NO_CATALOG = { nocatalog: 'true' };

export interface HttpIamClientOptions {
  /** IAM base URL, such as `https://iam.cn-north-4.myhuaweicloud.com`. */
  endpoint: string;
  /** The platform's AK/SK, which signs every validation request. */
  accessKey: AccessKey;
  timeouts?: Partial<HttpTimeouts>;
  logger?: DebugLogger;
  retry?: RetryOptions;
  /** Receives every call's outcome and every retry, for metrics. */
  observer?: TransportObserver;
}

export class HttpIamClient implements IamClient {
  readonly #transport: CloudTransport;

  constructor(options: HttpIamClientOptions) {
    this.#transport = new CloudTransport({
      service: 'iam',
      endpoint: options.endpoint,
      accessKey: options.accessKey,
      timeouts: options.timeouts,
      logger: options.logger,
      retry: options.retry,
      observer: options.observer,
    });
  }

  /**
   * Validates a user token with `GET /v3/auth/tokens`. The token travels in `X-Subject-Token`, and the
   * request is AK/SK signed instead of carrying an `X-Auth-Token` of the platform's own.
   */
  validateToken(token: string): Promise<TokenInfo> {
    return this.#transport.send(
      {
        operation: 'validateToken',
        method: 'GET',
        path: TOKENS_PATH,
        query: NO_CATALOG,
        headers: { 'X-Subject-Token': token },
        expectJson: true,
      },
      (response) => toTokenInfo(response.body),
    );
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}

export interface PasswordTokenRequest {
  /** IAM base URL. */
  endpoint: string;
  /** Account (IAM domain) name. */
  domainName: string;
  /** IAM user name within that account. */
  userName: string;
  password: string;
  /** Project scope by name, such as `cn-north-4`. Ignored when `projectId` is set. */
  projectName?: string;
  /** Project scope by id. Without a project the token is scoped to the domain. */
  projectId?: string;
  timeouts?: Partial<HttpTimeouts>;
  logger?: DebugLogger;
}

export interface PasswordToken {
  /** The token, from the `X-Subject-Token` response header. */
  token: string;
  expiresAt: Date;
  info: TokenInfo;
}

/**
 * Obtains a user token with a password (`POST /v3/auth/tokens`), the one IAM call that needs no
 * authentication, so it is sent unsigned. A wrong password raises `CloudError` with HTTP status 401.
 */
export async function requestPasswordToken(request: PasswordTokenRequest): Promise<PasswordToken> {
  const transport = new CloudTransport({
    service: 'iam',
    endpoint: request.endpoint,
    timeouts: request.timeouts,
    logger: request.logger,
  });

  try {
    return await transport.send(
      {
        operation: 'requestPasswordToken',
        method: 'POST',
        path: TOKENS_PATH,
        query: NO_CATALOG,
        body: passwordAuthBody(request),
        secrets: [request.password],
        expectJson: true,
      },
      (response) => {
        const header = response.headers['x-subject-token'];
        const token = Array.isArray(header) ? header[0] : header;
        if (!token) throw new ResponseShapeError('the X-Subject-Token response header is missing');

        const info = toTokenInfo(response.body);
        return { token, expiresAt: info.expiresAt, info };
      },
    );
  } finally {
    await transport.close();
  }
}

function passwordAuthBody(request: PasswordTokenRequest): object {
  const identity = {
    methods: ['password'],
    password: {
      user: { domain: { name: request.domainName }, name: request.userName, password: request.password },
    },
  };

  let scope: object | undefined;
  if (request.projectId !== undefined) scope = { project: { id: request.projectId } };
  else if (request.projectName !== undefined) scope = { project: { name: request.projectName } };
  return { auth: scope === undefined ? { identity } : { identity, scope } };
}

/** Maps the `token` object of an IAM token response. */
export function toTokenInfo(body: unknown): TokenInfo {
  const token = asObject(asObject(body, 'body').token, 'token');
  const user = asObject(token.user, 'token.user');
  const domain = asObject(user.domain, 'token.user.domain');
  const project = token.project == null ? undefined : asObject(token.project, 'token.project');

  return {
    userId: requiredString(user, 'id', 'token.user'),
    userName: requiredString(user, 'name', 'token.user'),
    domainId: requiredString(domain, 'id', 'token.user.domain'),
    domainName: requiredString(domain, 'name', 'token.user.domain'),
    projectId: project && requiredString(project, 'id', 'token.project'),
    projectName: project && optionalString(project, 'name', 'token.project'),
    roles: roleNames(token),
    expiresAt: requiredDate(token, 'expires_at', 'token'),
  };
}

function roleNames(token: JsonObject): string[] {
  if (token.roles == null) return [];
  return asArray(token.roles, 'token.roles').map((role, index) => {
    const path = `token.roles[${index}]`;
    return requiredString(asObject(role, path), 'name', path);
  });
}
