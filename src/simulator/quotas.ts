/**
 * VPCEP's quota API: used and allowed counts of endpoint services and endpoints in the caller's project.
 */
import type { FastifyInstance } from 'fastify';
import { vpcepError } from './errors.ts';
import { addRoute, ok, queryValue, type RouteResult, type SimulatorRequest } from './http.ts';
import { ENDPOINT_QUOTA, ENDPOINT_SERVICE_QUOTA, type SimulatorState } from './state.ts';

const RESOURCE_TYPES = ['endpoint_service', 'endpoint'] as const;

export function registerQuotaRoutes(app: FastifyInstance, state: SimulatorState): void {
  addRoute(app, state, {
    method: 'GET',
    url: '/quotas',
    operation: 'ListQuotaDetails',
    handler: (request) => listQuotas(state, request),
  });
}

/**
 * Returns `{"quotas":{"resources":[{"type","used","quota"}]}}`, one entry per resource type or only the one
 * named by `type`. Endpoints that are still `deleting` count as used until they are gone.
 */
function listQuotas(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const type = queryValue(request, 'type');
  if (type !== undefined && !(RESOURCE_TYPES as readonly string[]).includes(type)) {
    throw vpcepError('EndPoint.0002', `type must be endpoint_service or endpoint, got "${type}".`);
  }

  const { projectId } = request.params;
  const usage = {
    endpoint_service: { used: state.servicesOfProject(projectId).length, quota: ENDPOINT_SERVICE_QUOTA },
    endpoint: { used: state.endpointsOfProject(projectId).length, quota: ENDPOINT_QUOTA },
  };

  const resources = RESOURCE_TYPES.filter((candidate) => type === undefined || candidate === type).map(
    (candidate) => ({ type: candidate, ...usage[candidate] }),
  );
  return ok({ quotas: { resources } });
}
