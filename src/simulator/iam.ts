/**
 * IAM routes: issue a token for a password identity, validate a token, and list the caller's projects.
 */
import type { FastifyInstance } from 'fastify';
import { requireIamCaller } from './auth.ts';
import { invalidKeystoneBody, keystoneError } from './errors.ts';
import {
  addRoute,
  headerValue,
  isRecord,
  ok,
  parseJsonObject,
  queryValue,
  type RouteResult,
  type SimulatorRequest,
} from './http.ts';
import type { Account, SimulatorState, TokenScope } from './state.ts';
import { findValidToken, issueToken, renderTokenBody } from './tokens.ts';

const WRONG_CREDENTIALS = 'The username or password is wrong.';

export function registerIamRoutes(app: FastifyInstance, state: SimulatorState): void {
  addRoute(app, state, {
    method: 'POST',
    url: '/v3/auth/tokens',
    operation: 'KeystoneCreateUserTokenByPassword',
    handler: (request) => createToken(state, request),
  });
  addRoute(app, state, {
    method: 'GET',
    url: '/v3/auth/tokens',
    operation: 'KeystoneValidateToken',
    handler: (request) => validateToken(state, request),
  });
  addRoute(app, state, {
    method: 'GET',
    url: '/v3/projects',
    operation: 'KeystoneListProjects',
    handler: (request) => listProjects(state, request),
  });
}

function createToken(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const auth = parseJsonObject(request)?.auth;
  if (!isRecord(auth) || !isRecord(auth.identity)) throw invalidKeystoneBody();

  const { methods, password } = auth.identity;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    throw invalidKeystoneBody();
  }
  if (!methods.includes('password')) {
    throw keystoneError(
      501,
      `The simulator issues tokens only for the password method, not ${methods.join(', ')}.`,
    );
  }

  const account = authenticatePassword(state, password);
  const scope = resolveScope(account, auth.scope);
  const token = issueToken(state, account, scope);
  const body = renderTokenBody(state, token, catalogOptions(request));
  return { status: 201, body, headers: { 'X-Subject-Token': token.value } };
}

/** Finds the account whose user matches `password.user`. A malformed identity is a 400 and a wrong one a 401. */
function authenticatePassword(state: SimulatorState, password: unknown): Account {
  if (!isRecord(password) || !isRecord(password.user)) throw invalidKeystoneBody();

  const { user } = password;
  if (typeof user.password !== 'string') throw invalidKeystoneBody();
  if (typeof user.id !== 'string' && typeof user.name !== 'string') throw invalidKeystoneBody();

  // A user name is unique only within its domain, so a name needs the domain; a user id does not.
  const domain = user.domain;
  if (typeof user.id !== 'string' && !isRecord(domain)) throw invalidKeystoneBody();

  const account = state.accounts.find(
    (candidate) =>
      (typeof user.id === 'string' ? candidate.userId === user.id : candidate.userName === user.name) &&
      (!isRecord(domain) || matchesDomain(candidate, domain)),
  );
  if (!account || account.password !== user.password) throw keystoneError(401, WRONG_CREDENTIALS);
  return account;
}

function matchesDomain(account: Account, domain: Record<string, unknown>): boolean {
  if (typeof domain.id === 'string') return account.domainId === domain.id;
  if (typeof domain.name === 'string') return account.domainName === domain.name;
  return false;
}

/**
 * Resolves `auth.scope`. A project scope wins over a domain scope, and no scope means a domain-scoped token.
 * A project or domain that the user has no access to, including one that does not exist, is a 401 as in
 * Keystone, which does not tell a stranger whether the project exists.
 */
function resolveScope(account: Account, scope: unknown): TokenScope {
  if (scope === undefined) return { kind: 'domain' };
  if (!isRecord(scope)) throw invalidKeystoneBody();

  if (scope.project !== undefined) {
    const project = scope.project;
    if (!isRecord(project) || (typeof project.id !== 'string' && typeof project.name !== 'string')) {
      throw invalidKeystoneBody();
    }
    const matches =
      typeof project.id === 'string'
        ? project.id === account.projectId
        : project.name === account.projectName;
    if (!matches)
      throw keystoneError(401, 'The user has no access to the project in the scope, or it does not exist.');
    return { kind: 'project', projectId: account.projectId };
  }

  if (scope.domain !== undefined) {
    if (!isRecord(scope.domain)) throw invalidKeystoneBody();
    if (!matchesDomain(account, scope.domain)) {
      throw keystoneError(401, 'The user has no access to the domain in the scope, or it does not exist.');
    }
    return { kind: 'domain' };
  }

  throw invalidKeystoneBody();
}

/**
 * Validates `X-Subject-Token`. The caller authenticates with `X-Auth-Token` or, as Huawei's SDK does it, with
 * an AK/SK signature alone. An unknown or expired subject token is a 404.
 */
function validateToken(state: SimulatorState, request: SimulatorRequest): RouteResult {
  requireIamCaller(request, state);

  const subject = headerValue(request, 'x-subject-token');
  if (subject === undefined) throw keystoneError(400, 'The X-Subject-Token header is missing.');

  const token = findValidToken(state, subject);
  if (!token) throw keystoneError(404, 'X-Subject-Token is invalid in the request');

  const body = renderTokenBody(state, token, catalogOptions(request));
  return { status: 200, body, headers: { 'X-Subject-Token': token.value } };
}

function catalogOptions(request: SimulatorRequest) {
  const nocatalog = queryValue(request, 'nocatalog');
  return {
    baseUrl: `${request.protocol}://${request.host}`,
    includeCatalog: nocatalog === undefined || nocatalog === '',
  };
}

/** Lists the projects of the caller's domain, optionally filtered by exact `name`, as the SDK's project lookup does. */
function listProjects(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const { account } = requireIamCaller(request, state);
  const name = queryValue(request, 'name');
  const baseUrl = `${request.protocol}://${request.host}/v3`;
  const projects =
    name === undefined || name === account.projectName
      ? [
          {
            id: account.projectId,
            name: account.projectName,
            description: '',
            domain_id: account.domainId,
            parent_id: account.domainId,
            enabled: true,
            is_domain: false,
            links: { self: `${baseUrl}/projects/${account.projectId}` },
          },
        ]
      : [];

  return ok({ projects, links: { self: `${baseUrl}/projects`, previous: null, next: null } });
}
