/**
 * The service owner's view of the endpoints connected to an endpoint service, and the approval action that
 * accepts (`receive`) or rejects one of them.
 */
import type { FastifyInstance } from 'fastify';
import { vpcepError } from './errors.ts';
import { addRoute, ok, queryValue, type RouteResult, type SimulatorRequest } from './http.ts';
import { readPageQuery, sortAndPage } from './listing.ts';
import { ownedService } from './services.ts';
import type { Endpoint, EndpointService, EndpointStatus, SimulatorState } from './state.ts';
import { formatVpcepTime } from './time.ts';
import { readVpcepBody } from './validation.ts';

const STATUSES: EndpointStatus[] = [
  'creating',
  'pendingAcceptance',
  'accepted',
  'rejected',
  'failed',
  'deleting',
];

export function registerConnectionRoutes(app: FastifyInstance, state: SimulatorState): void {
  addRoute(app, state, {
    method: 'GET',
    url: '/vpc-endpoint-services/:serviceId/connections',
    operation: 'ListServiceConnections',
    handler: (request) => listConnections(state, request),
  });
  addRoute(app, state, {
    method: 'POST',
    url: '/vpc-endpoint-services/:serviceId/connections/action',
    operation: 'AcceptOrRejectEndpoint',
    handler: (request) => acceptOrReject(state, request),
  });
}

function listConnections(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const service = ownedService(state, request);
  const page = readPageQuery(request, { maxLimit: 1000 });
  const id = queryValue(request, 'id');
  const markerId = queryValue(request, 'marker_id');
  const status = queryValue(request, 'status');
  if (status !== undefined && !STATUSES.includes(status as EndpointStatus)) {
    throw vpcepError('EndPoint.0019', `status must be one of ${STATUSES.join(', ')}, got "${status}".`);
  }

  const matching = state
    .endpointsOfService(service.id)
    .filter((endpoint) => id === undefined || endpoint.id === id)
    .filter((endpoint) => markerId === undefined || String(endpoint.markerId) === markerId)
    .filter((endpoint) => status === undefined || endpoint.status === status);

  return ok({ connections: sortAndPage(matching, page).map(renderConnection), total_count: matching.length });
}

/**
 * Accepts or rejects one endpoint. An endpoint that is still `creating` keeps that status and takes the
 * decision when it settles, so a `receive` sent early still ends `accepted`. A rejected endpoint may be
 * accepted later, and an accepted one rejected.
 */
function acceptOrReject(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const service = ownedService(state, request);
  const body = readVpcepBody(request);

  const { action, endpoints } = body;
  if (action !== 'receive' && action !== 'reject') {
    throw vpcepError('EndPoint.0002', `action must be receive or reject, got ${JSON.stringify(action)}.`);
  }
  if (!Array.isArray(endpoints) || endpoints.length !== 1 || typeof endpoints[0] !== 'string') {
    throw vpcepError('EndPoint.2031', 'endpoints must list exactly one endpoint id.');
  }

  const endpoint = connectedEndpoint(state, service, endpoints[0]);
  if (endpoint.status === 'deleting') {
    throw vpcepError('EndPoint.2018', `Endpoint ${endpoint.id} is being deleted.`);
  }
  if (endpoint.status === 'failed') {
    throw vpcepError('EndPoint.2047', `Endpoint ${endpoint.id} failed and cannot be accepted or rejected.`);
  }

  if (endpoint.status === 'creating') {
    endpoint.pendingDecision = action;
  } else {
    state.setEndpointStatus(endpoint, action === 'receive' ? 'accepted' : 'rejected');
  }
  return ok({ connections: [renderConnection(endpoint)] });
}

function connectedEndpoint(state: SimulatorState, service: EndpointService, endpointId: string): Endpoint {
  const endpoint = state.endpoints.get(endpointId);
  if (!endpoint) throw vpcepError('EndPoint.2006', `No endpoint has the id ${endpointId}.`);
  if (endpoint.serviceId !== service.id) {
    throw vpcepError('EndPoint.2013', `Endpoint ${endpointId} is connected to another endpoint service.`);
  }
  return endpoint;
}

function renderConnection(endpoint: Endpoint) {
  return {
    id: endpoint.id,
    marker_id: endpoint.markerId,
    created_at: formatVpcepTime(endpoint.createdAt),
    updated_at: formatVpcepTime(endpoint.updatedAt),
    domain_id: endpoint.domainId,
    status: endpoint.status,
    description: endpoint.connectionDescription,
  };
}
