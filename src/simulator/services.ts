/**
 * VPCEP endpoint-service routes: the consumer-side describe API, and the owner's create, get, list and delete.
 */
import type { FastifyInstance } from 'fastify';
import { vpcepError } from './errors.ts';
import { addRoute, ok, queryValue, type RouteResult, type SimulatorRequest } from './http.ts';
import { readPageQuery, sortAndPage } from './listing.ts';
import { createEndpointService } from './service-create.ts';
import type { EndpointService, SimulatorState } from './state.ts';
import { formatVpcepTime } from './time.ts';

export function registerServiceRoutes(app: FastifyInstance, state: SimulatorState): void {
  addRoute(app, state, {
    method: 'GET',
    url: '/vpc-endpoint-services/describe',
    operation: 'ListServiceDescribeDetails',
    handler: (request) => describeService(state, request),
  });
  addRoute(app, state, {
    method: 'POST',
    url: '/vpc-endpoint-services',
    operation: 'CreateEndpointService',
    handler: (request) => ok(renderService(state, createEndpointService(state, request))),
  });
  addRoute(app, state, {
    method: 'GET',
    url: '/vpc-endpoint-services',
    operation: 'ListEndpointService',
    handler: (request) => listServices(state, request),
  });
  addRoute(app, state, {
    method: 'GET',
    url: '/vpc-endpoint-services/:serviceId',
    operation: 'ListServiceDetails',
    handler: (request) => ok(renderService(state, ownedService(state, request))),
  });
  addRoute(app, state, {
    method: 'DELETE',
    url: '/vpc-endpoint-services/:serviceId',
    operation: 'DeleteEndpointService',
    handler: (request) => deleteService(state, request),
  });
}

/**
 * Looks a service up by exactly one of `endpoint_service_name` (exact, up to 128 characters) and `id` (up to
 * 64). Any authenticated project may describe any service: the whitelist is checked only when an endpoint is
 * created, because describing is how a consumer learns the id to connect to.
 */
function describeService(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const name = queryValue(request, 'endpoint_service_name');
  const id = queryValue(request, 'id');
  if ((name === undefined) === (id === undefined)) {
    throw vpcepError(
      'EndPoint.0002',
      'Give exactly one of the query parameters endpoint_service_name and id.',
    );
  }
  if (name !== undefined && (name.length < 1 || name.length > 128)) {
    throw vpcepError('EndPoint.0002', 'endpoint_service_name must be 1 to 128 characters long.');
  }
  if (id !== undefined && (id.length < 1 || id.length > 64)) {
    throw vpcepError('EndPoint.0002', 'id must be 1 to 64 characters long.');
  }

  const service = [...state.services.values()].find((candidate) =>
    name === undefined ? candidate.id === id : candidate.serviceName === name,
  );
  if (!service) {
    const lookup = name === undefined ? `id ${id}` : `name ${name}`;
    throw vpcepError('EndPoint.0005', `No endpoint service has the ${lookup}.`);
  }

  return ok({
    id: service.id,
    service_name: service.serviceName,
    service_type: service.serviceType,
    created_at: formatVpcepTime(service.createdAt),
    is_charge: true,
    enable_policy: false,
  });
}

/**
 * Returns the path's service when the path's project owns it, else fails with 404 `EndPoint.0005`. The
 * authentication hook has already checked that the caller may act in that project.
 */
export function ownedService(state: SimulatorState, request: SimulatorRequest): EndpointService {
  const { projectId, serviceId } = request.params;
  const service = state.services.get(serviceId);
  if (!service || service.projectId !== projectId) {
    throw vpcepError('EndPoint.0005', `Project ${projectId} has no endpoint service ${serviceId}.`);
  }
  return service;
}

function listServices(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const page = readPageQuery(request, { maxLimit: 1000 });
  const name = queryValue(request, 'endpoint_service_name')?.toLowerCase();
  const id = queryValue(request, 'id');
  const status = queryValue(request, 'status');

  const matching = state
    .servicesOfProject(request.params.projectId)
    .filter((service) => name === undefined || service.serviceName.toLowerCase().includes(name))
    .filter((service) => id === undefined || service.id === id)
    .filter((service) => status === undefined || service.status === status);

  return ok({
    endpoint_services: sortAndPage(matching, page).map((service) => renderService(state, service)),
    total_count: matching.length,
  });
}

/**
 * Deletes a service at once. A service with endpoints that are `creating`, `pendingAcceptance` or `accepted`
 * fails with 400 `EndPoint.3006`.
 */
function deleteService(state: SimulatorState, request: SimulatorRequest): RouteResult {
  const service = ownedService(state, request);
  const inUse = state
    .endpointsOfService(service.id)
    .filter((endpoint) => ['creating', 'pendingAcceptance', 'accepted'].includes(endpoint.status));
  if (inUse.length > 0) {
    const ids = inUse.map((endpoint) => endpoint.id).join(', ');
    throw vpcepError('EndPoint.3006', `Delete or reject its endpoints first: ${ids}.`);
  }

  state.services.delete(service.id);
  return { status: 204 };
}

export function renderService(state: SimulatorState, service: EndpointService) {
  return {
    id: service.id,
    port_id: service.portId,
    vpc_id: service.vpcId,
    status: service.status,
    approval_enabled: service.approvalEnabled,
    service_name: service.serviceName,
    service_type: service.serviceType,
    server_type: service.serverType,
    project_id: service.projectId,
    description: service.description,
    created_at: formatVpcepTime(service.createdAt),
    updated_at: formatVpcepTime(service.updatedAt),
    ports: service.ports,
    tcp_proxy: service.tcpProxy,
    tags: service.tags,
    connection_count: state.endpointsOfService(service.id).length,
    enable_policy: false,
    ip_version: 'ipv4',
  };
}
