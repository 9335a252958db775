/**
 * Caller authentication, as API Gateway does it in front of IAM and VPCEP.
 *
 * A request authenticates with an AK/SK signature (`Authorization: SDK-HMAC-SHA256 ...`, verified over the raw
 * URL and body bytes) or with an IAM token in `X-Auth-Token`. When both are present the signature decides and
 * the token is ignored. Failure reasons name what failed and never contain a secret, token or signature.
 *
 * API Gateway checks a signature before the request reaches IAM or VPCEP, so every signature failure, on
 * either service and on paths that no API serves, is its 401 `APIGW.0301`. An IAM request without a signature
 * passes the gateway, and IAM itself rejects a missing or invalid `X-Auth-Token` with a Keystone-style 401.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyRequest } from '../cloud/signer.ts';
import { gatewayAuthError, keystoneError, vpcepError } from './errors.ts';
import { headerValue, rawBody } from './http.ts';
import type { Account, IssuedToken, SimulatorState } from './state.ts';
import { findValidToken } from './tokens.ts';

export type Caller =
  | { kind: 'signature'; account: Account; accessKeyId: string }
  | { kind: 'token'; account: Account; token: IssuedToken };

export type CallerResult = { ok: true; caller: Caller } | { ok: false; reason: string };

export function identifyCaller(request: FastifyRequest, state: SimulatorState): CallerResult {
  if (headerValue(request, 'authorization') !== undefined) return identifySigner(request, state);

  const tokenValue = headerValue(request, 'x-auth-token');
  if (tokenValue === undefined) {
    return { ok: false, reason: 'the request has neither an X-Auth-Token header nor an AK/SK signature' };
  }

  const token = findValidToken(state, tokenValue);
  if (!token) return { ok: false, reason: 'the X-Auth-Token is invalid or expired' };
  return { ok: true, caller: { kind: 'token', account: token.account, token } };
}

function identifySigner(request: FastifyRequest, state: SimulatorState): CallerResult {
  const incoming = {
    method: request.method,
    rawUrl: request.raw.url ?? request.url,
    headers: request.headers,
    body: rawBody(request),
  };
  const result = verifyRequest(incoming, (accessKeyId) => state.secretFor(accessKeyId), state.now());
  if (!result.ok) return { ok: false, reason: `verify aksk signature fail: ${result.reason}` };

  const account = state.accountByAccessKey(result.accessKeyId);
  if (!account) return { ok: false, reason: 'verify aksk signature fail: the access key id is unknown' };
  return { ok: true, caller: { kind: 'signature', account, accessKeyId: result.accessKeyId } };
}

/** Callers that an authentication hook has verified, by request. */
const callers = new WeakMap<FastifyRequest, Caller>();

/** Returns the caller that the VPCEP authentication hook stored for this request. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (!caller) throw new Error('callerOf() was called on a request that skipped VPCEP authentication');
  return caller;
}

/**
 * Verifies the AK/SK signature of a request that carries an `Authorization` header, and fails with API
 * Gateway's 401 `APIGW.0301` when it does not match. Returns undefined for a request without one.
 */
export function checkGatewaySignature(request: FastifyRequest, state: SimulatorState): Caller | undefined {
  if (headerValue(request, 'authorization') === undefined) return undefined;

  const result = identifySigner(request, state);
  if (!result.ok) throw gatewayAuthError(result.reason);
  return result.caller;
}

/**
 * Adds the hook that checks the signature of every signed IAM request of this plugin scope. That includes the
 * token request, which needs no credential but which Huawei's SDK signs like any other call.
 */
export function addIamGatewayCheck(app: FastifyInstance, state: SimulatorState): void {
  app.addHook('preHandler', async (request) => {
    const signer = checkGatewaySignature(request, state);
    if (signer) callers.set(request, signer);
  });
}

/**
 * Returns the caller of an IAM API that needs one: the signer that the gateway check verified, else the user
 * of a valid `X-Auth-Token`. Without either, it fails with IAM's Keystone-style 401.
 */
export function requireIamCaller(request: FastifyRequest, state: SimulatorState): Caller {
  const signer = callers.get(request);
  if (signer) return signer;

  const result = identifyCaller(request, state);
  if (!result.ok) {
    throw keystoneError(401, `The request you have made requires authentication: ${result.reason}.`);
  }
  return result.caller;
}

/**
 * Adds the hook that authenticates every VPCEP request of this plugin scope and checks that the caller may act
 * in the path's `project_id`. Failed authentication is API Gateway's 401 `APIGW.0301`, and a caller of
 * another project gets VPCEP's 403 `EndPoint.0004`.
 */
export function addVpcepAuthentication(app: FastifyInstance, state: SimulatorState): void {
  app.addHook('preHandler', async (request) => {
    const result = identifyCaller(request, state);
    if (!result.ok) throw gatewayAuthError(result.reason);

    const { projectId } = request.params as { projectId: string };
    checkProjectAccess(request, result.caller, projectId);
    callers.set(request, result.caller);
  });
}

function checkProjectAccess(request: FastifyRequest, caller: Caller, projectId: string): void {
  const headerProject = headerValue(request, 'x-project-id');
  if (headerProject !== undefined && headerProject !== projectId) {
    throw vpcepError(
      'EndPoint.0004',
      `The X-Project-Id header (${headerProject}) differs from the project in the path (${projectId}).`,
    );
  }

  if (caller.kind === 'signature' && caller.account.projectId !== projectId) {
    throw vpcepError(
      'EndPoint.0004',
      `The access key does not belong to the account of project ${projectId}.`,
    );
  }

  if (caller.kind === 'token' && caller.token.scope.kind === 'domain') {
    throw vpcepError(
      'EndPoint.0004',
      `The token is domain-scoped; use a token scoped to project ${projectId}.`,
    );
  }

  if (
    caller.kind === 'token' &&
    caller.token.scope.kind === 'project' &&
    caller.account.projectId !== projectId
  ) {
    throw vpcepError(
      'EndPoint.0004',
      `The token is scoped to project ${caller.account.projectId}; use a token scoped to project ${projectId}.`,
    );
  }
}
