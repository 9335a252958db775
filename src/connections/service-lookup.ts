/**
 * Resolves the endpoint service a request names, and reports precisely what is wrong when it cannot:
 * a malformed name, a name from another region, no such service (by name or by id), a name and an id
 * that disagree, or a service that endpoints cannot connect to.
 */
import { CloudError } from '../cloud/errors.ts';
import type { EndpointServiceSummary, VpcepClient } from '../cloud/ports.ts';
import { apiError } from '../errors.ts';
import { upstreamFailure } from './upstream-errors.ts';

export interface ServiceReference {
  name?: string;
  id?: string;
}

export async function resolveEndpointService(
  vpcep: VpcepClient,
  region: string,
  reference: ServiceReference,
): Promise<EndpointServiceSummary> {
  const { name, id } = reference;
  if (!name && !id) {
    throw apiError(
      'serviceUnspecified',
      'Give vpc_ep_server_name (such as cn-north-4.my-service.<id>) or vpc_ep_server_id; both are empty.',
    );
  }
  if (name) checkServiceName(name, region);

  const service = id ? await describe(vpcep, 'id', id, region) : await describe(vpcep, 'name', name!, region);
  if (id && name && service.serviceName.toLowerCase() !== name.toLowerCase()) {
    throw apiError(
      'serviceMismatch',
      `vpc_ep_server_id "${id}" is the endpoint service "${service.serviceName}", but vpc_ep_server_name is "${name}"; send only one of them, or make them name the same service.`,
    );
  }
  if (service.serviceType !== 'interface') {
    throw apiError(
      'serviceNotInterface',
      `The endpoint service "${service.serviceName}" is of type "${service.serviceType}"; only interface endpoint services can front a data source.`,
    );
  }
  return service;
}

/** VPCEP names services `{region}.{name}.{id}` or `{region}.{id}`; the first part must be our region. */
function checkServiceName(name: string, region: string): void {
  const parts = name.split('.');
  if (parts.length < 2 || parts.some((part) => part === '')) {
    throw apiError(
      'invalidRequest',
      `vpc_ep_server_name "${name}" is not a full endpoint service name; copy it from the VPCEP console, in the form ${region}.<name>.<id>.`,
    );
  }
  if (parts[0] !== region) {
    throw apiError(
      'regionMismatch',
      `vpc_ep_server_name "${name}" is in region "${parts[0]}", but this deployment creates endpoints in "${region}"; the endpoint service and the endpoint must be in the same region.`,
    );
  }
}

async function describe(
  vpcep: VpcepClient,
  by: 'name' | 'id',
  value: string,
  region: string,
): Promise<EndpointServiceSummary> {
  try {
    return by === 'id' ? await vpcep.describeServiceById(value) : await vpcep.describeServiceByName(value);
  } catch (error) {
    if (isServiceNotFound(error)) {
      const field = by === 'id' ? 'vpc_ep_server_id' : 'vpc_ep_server_name';
      throw apiError(
        'serviceNotFound',
        `No VPC endpoint service with ${field} "${value}" exists in region ${region} (looked up by ${by}); check the ${by} with the service's owner.`,
      );
    }
    if (error instanceof CloudError) throw upstreamFailure(error, 'describing the endpoint service');
    throw error;
  }
}

/** VPCEP rejects an unknown service with 404 (`EndPoint.0005`) or 400 `EndPoint.2003`. */
function isServiceNotFound(error: unknown): boolean {
  if (!(error instanceof CloudError) || error.kind !== 'http') return false;
  return error.httpStatus === 404 || error.code?.toLowerCase() === 'endpoint.2003';
}
