/**
 * The whitelist of an endpoint service: which accounts may create endpoints to it, and the owner's routes to
 * list and change it.
 *
 * Entries are `iam:domain::<domain id>` (letters and digits, or `*` for every account) or
 * `organizations:orgPath::<path>`. The owner's own account may always connect.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { vpcepError } from './errors.ts';
import { addRoute, ok, queryValue, type RouteResult, type SimulatorRequest } from './http.ts';
import { readPageQuery, sortAndPage } from './listing.ts';
import { ownedService } from './services.ts';
import type { EndpointService, Permission, SimulatorState } from './state.ts';
import { formatVpcepTime } from './time.ts';
import { readVpcepBody } from './validation.ts';

const DOMAIN_ENTRY = /^iam:domain::([A-Za-z0-9]{1,64}|\*)$/;
const ORG_PATH_ENTRY = /^organizations:orgPath::\S{1,1024}$/;

/**
 * Returns whether an account may create an endpoint to the service.
 * NOTE: `organizations:orgPath::` entries never match, because the simulator has no organizations.
 */
export function mayConnect(service: EndpointService, domainId: string): boolean {
  if (service.domainId === domainId) return true;
  return service.permissions.some(
    (entry) => entry.permission === `iam:domain::${domainId}` || entry.permission === 'iam:domain::*',
  );
}

export function newPermission(permission: string, createdAt: Date): Permission {
  return {
    id: randomUUID(),
    permission,
    permissionType: permission.startsWith('iam:domain::') ? 'domainId' : 'orgPath',
    description: '',
    createdAt,
  };
}

export function registerPermissionRoutes(app: FastifyInstance, state: SimulatorState): void {
  addRoute(app, state, {
    method: 'GET',
    url: '/vpc-endpoint-services/:serviceId/permissions',
    operation: 'ListServicePermissionsDetails',
    handler: (request) => listPermissions(state, request),
  });
  addRoute(app, state, {
    method: 'POST',
    url: '/vpc-endpoint-services/:serviceId/permissions/action',
    operation: 'AddOrRemoveServicePermissions',
    handler: (request) => changePermissions(state, request),
  });
}

/** Lists whitelist entries; `permission` matches any part of an entry. `limit` goes up to 500 here. */
function listPermissions(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const service = ownedService(state, request);
  const page = readPageQuery(request, { maxLimit: 500 });
  const filter = queryValue(request, 'permission');

  const entries = service.permissions.filter(
    (entry) => filter === undefined || entry.permission.includes(filter),
  );
  const withTimes = entries.map((entry) => ({ ...entry, updatedAt: entry.createdAt }));

  return ok({
    permissions: sortAndPage(withTimes, page).map((entry) => ({
      id: entry.id,
      permission: entry.permission,
      permission_type: entry.permissionType,
      description: entry.description,
      created_at: formatVpcepTime(entry.createdAt),
    })),
    total_count: entries.length,
  });
}

/**
 * Adds or removes whitelist entries and returns the whole whitelist afterwards. Adding an entry that is already
 * there, or removing one that is not, changes nothing. Endpoints that already exist keep their connection.
 */
function changePermissions(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const service = ownedService(state, request);
  const body = readVpcepBody(request);

  const { action, permissions } = body;
  if (action !== 'add' && action !== 'remove') {
    throw vpcepError('EndPoint.3035', `action must be add or remove, got ${JSON.stringify(action)}.`);
  }
  if (permissions === undefined || (Array.isArray(permissions) && permissions.length === 0)) {
    throw vpcepError('EndPoint.3036', 'permissions must list at least one entry.');
  }
  if (!Array.isArray(permissions))
    throw vpcepError('EndPoint.3002', 'permissions must be an array of strings.');

  for (const entry of permissions) {
    if (typeof entry !== 'string' || !(DOMAIN_ENTRY.test(entry) || ORG_PATH_ENTRY.test(entry))) {
      throw vpcepError(
        'EndPoint.3002',
        `${JSON.stringify(entry)} is not iam:domain::<domain id>, iam:domain::* or organizations:orgPath::<path>.`,
      );
    }
  }

  const now = state.now();
  for (const entry of permissions as string[]) {
    const present = service.permissions.some((existing) => existing.permission === entry);
    if (action === 'add' && !present) service.permissions.push(newPermission(entry, now));
    if (action === 'remove')
      service.permissions = service.permissions.filter((existing) => existing.permission !== entry);
  }
  service.updatedAt = now;

  return ok({ permissions: service.permissions.map((entry) => entry.permission) });
}
