/**
 * VPCEP endpoint routes for the consumer: create, get, list and delete VPC endpoints.
 */
import type { FastifyInstance } from 'fastify';
import { createEndpoint } from './endpoint-create.ts';
import { vpcepError } from './errors.ts';
import { addRoute, ok, queryValue, type RouteResult, type SimulatorRequest } from './http.ts';
import { readPageQuery, sortAndPage } from './listing.ts';
import type { Endpoint, SimulatorState } from './state.ts';
import { formatVpcepTime } from './time.ts';

export function registerEndpointRoutes(app: FastifyInstance, state: SimulatorState): void {
  addRoute(app, state, {
    method: 'POST',
    url: '/vpc-endpoints',
    operation: 'CreateEndpoint',
    handler: (request) => ok(renderEndpoint(state, createEndpoint(state, request))),
  });
  addRoute(app, state, {
    method: 'GET',
    url: '/vpc-endpoints',
    operation: 'ListEndpoints',
    handler: (request) => listEndpoints(state, request),
  });
  addRoute(app, state, {
    method: 'GET',
    url: '/vpc-endpoints/:endpointId',
    operation: 'ListEndpointInfoDetails',
    handler: (request) => ok(renderEndpoint(state, projectEndpoint(state, request))),
  });
  addRoute(app, state, {
    method: 'DELETE',
    url: '/vpc-endpoints/:endpointId',
    operation: 'DeleteEndpoint',
    handler: (request) => deleteEndpoint(state, request),
  });
}

/** Returns the path's endpoint when it belongs to the path's project, else fails with 404 `EndPoint.0005`. */
function projectEndpoint(state: SimulatorState, request: SimulatorRequest): Endpoint {
  const { projectId, endpointId } = request.params;
  const endpoint = state.endpoints.get(endpointId);
  if (!endpoint || endpoint.projectId !== projectId) {
    throw vpcepError('EndPoint.0005', `Project ${projectId} has no endpoint ${endpointId}.`);
  }
  return endpoint;
}

/** Lists the project's endpoints. `endpoint_service_name` matches any part of the name, ignoring case. */
function listEndpoints(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const page = readPageQuery(request, { maxLimit: 1000 });
  const serviceName = queryValue(request, 'endpoint_service_name')?.toLowerCase();
  const vpcId = queryValue(request, 'vpc_id');
  const id = queryValue(request, 'id');

  const matching = state
    .endpointsOfProject(request.params.projectId)
    .filter(
      (endpoint) => serviceName === undefined || endpoint.serviceName.toLowerCase().includes(serviceName),
    )
    .filter((endpoint) => vpcId === undefined || endpoint.vpcId === vpcId)
    .filter((endpoint) => id === undefined || endpoint.id === id);

  return ok({
    endpoints: sortAndPage(matching, page).map((endpoint) => renderEndpoint(state, endpoint)),
    total_count: matching.length,
  });
}

/**
 * Starts deleting an endpoint: it shows `deleting` until the settle delay has passed, then it is gone and a
 * GET returns 404. Deleting it again meanwhile is 400 `EndPoint.2018`.
 */
function deleteEndpoint(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const endpoint = projectEndpoint(state, request);
  if (endpoint.status === 'deleting') {
    throw vpcepError('EndPoint.2018', `Endpoint ${endpoint.id} is already being deleted.`);
  }

  const now = state.now();
  state.setEndpointStatus(endpoint, 'deleting', now);
  endpoint.pendingDecision = undefined;
  endpoint.settlesAt = now.getTime() + state.endpointSettleDelayMs;
  return { status: 204 };
}

export function renderEndpoint(state: SimulatorState, endpoint: Endpoint) {
  return {
    id: endpoint.id,
    service_type: 'interface',
    status: endpoint.status,
    // VPCEP returns the address of an interface endpoint only once the owner has accepted it.
    ...(endpoint.everAccepted ? { ip: endpoint.ip } : {}),
    active_status: ['active'],
    endpoint_service_name: endpoint.serviceName,
    endpoint_service_id: endpoint.serviceId,
    marker_id: endpoint.markerId,
    vpc_id: endpoint.vpcId,
    subnet_id: endpoint.subnetId,
    enable_dns: endpoint.enableDns,
    // The real private domain format is not documented; this one is only unique per endpoint.
    ...(endpoint.enableDns ? { dns_names: [`${endpoint.id}.vpcep.${state.region}.huaweicloud.com`] } : {}),
    created_at: formatVpcepTime(endpoint.createdAt),
    updated_at: formatVpcepTime(endpoint.updatedAt),
    project_id: endpoint.projectId,
    tags: endpoint.tags,
    whitelist: endpoint.whitelist,
    enable_whitelist: endpoint.enableWhitelist,
    specification_name: 'default',
    description: endpoint.description,
    enable_status: 'enable',
  };
}
