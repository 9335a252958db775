/**
 * Caller authentication, as API Gateway does it in front of IAM and VPCEP.
 *
 * A request authenticates with an AK/SK signature (`Authorization: SDK-HMAC-SHA256 ...`, verified over the raw
 * URL and body bytes) or with an IAM token in `X-Auth-Token`. When both are present the signature decides and
 * the token is ignored. Failure reasons name what failed and never contain a secret, token or signature.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyRequest } from '../cloud/signer.ts';
import { gatewayAuthError, vpcepError } from './errors.ts';
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

const callers = new WeakMap<FastifyRequest, Caller>();

/** Returns the caller that the VPCEP authentication hook stored for this request. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (!caller) throw new Error('callerOf() was called on a request that skipped VPCEP authentication');
  return caller;
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
