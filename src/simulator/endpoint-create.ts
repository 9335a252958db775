/**
 * Creation of a VPC endpoint: the checks on the request body, in the order VPCEP documents its errors, and the
 * stored endpoint, which starts `creating` and settles after the configured delay.
 */
import { randomUUID } from 'node:crypto';
import { callerOf } from './auth.ts';
import { vpcepError } from './errors.ts';
import type { SimulatorRequest } from './http.ts';
import { allocateAddress, cidrContains, isWhitelistEntry, parseCidr, parseIpv4 } from './network.ts';
import { mayConnect } from './permissions.ts';
import {
  ENDPOINT_QUOTA,
  type Endpoint,
  type EndpointService,
  type SimulatorState,
  type Subnet,
} from './state.ts';
import {
  type Body,
  optionalBoolean,
  optionalString,
  readDescription,
  readTags,
  readVpcepBody,
  requireString,
} from './validation.ts';

/** NOTE: terraform documents 20 whitelist entries per endpoint and a 2021 VPCEP release note 60; 20 is enforced. */
const MAX_WHITELIST_ENTRIES = 20;

/**
 * Validates a create request and stores the endpoint as `creating`. The checks run in the order of VPCEP's
 * documented errors: required ids, the caller's VPC and subnet, the service and its whitelist, the optional
 * settings, the quota of 50 endpoints per project, and the address.
 */
export function createEndpoint(state: SimulatorState, request: SimulatorRequest): Endpoint {
  const body = readVpcepBody(request);
  const { projectId } = request.params;
  const { account } = callerOf(request);

  const serviceId = requireString(body, 'endpoint_service_id', 'EndPoint.2029');
  const vpcId = requireString(body, 'vpc_id', 'EndPoint.2011');
  const subnetId = requireString(body, 'subnet_id', 'EndPoint.2010');
  const subnet = findSubnet(state, projectId, vpcId, subnetId);
  const service = findConnectableService(state, serviceId, account.domainId);

  const settings = readEndpointSettings(body);
  if (state.endpointsOfProject(projectId).length >= ENDPOINT_QUOTA) {
    throw vpcepError('Endpoint.1018', `Project ${projectId} already has ${ENDPOINT_QUOTA} endpoints.`);
  }
  const ip = reserveAddress(state, subnet, optionalString(body, 'port_ip'));

  const now = state.now();
  const endpoint: Endpoint = {
    id: randomUUID(),
    projectId,
    domainId: account.domainId,
    serviceId,
    serviceName: service.serviceName,
    vpcId,
    subnetId,
    status: 'creating',
    ip,
    everAccepted: false,
    markerId: state.allocateMarkerId(),
    connectionDescription: '',
    createdAt: now,
    updatedAt: now,
    settlesAt: now.getTime() + state.endpointSettleDelayMs,
    ...settings,
  };
  state.endpoints.set(endpoint.id, endpoint);
  return endpoint;
}

function findConnectableService(state: SimulatorState, serviceId: string, domainId: string): EndpointService {
  const service = state.services.get(serviceId);
  if (!service) throw vpcepError('EndPoint.2003', `No endpoint service has the id ${serviceId}.`);
  if (service.status !== 'available') {
    throw vpcepError('EndPoint.2004', `Endpoint service ${serviceId} is ${service.status}.`);
  }
  if (!mayConnect(service, domainId)) {
    throw vpcepError(
      'EndPoint.2012',
      `The service owner must add iam:domain::${domainId} to the whitelist of ${service.serviceName}.`,
    );
  }
  return service;
}

function findSubnet(state: SimulatorState, projectId: string, vpcId: string, subnetId: string): Subnet {
  const vpc = state.vpcs.get(vpcId);
  if (!vpc || vpc.projectId !== projectId) {
    throw vpcepError('EndPoint.2001', `Project ${projectId} has no VPC ${vpcId}.`);
  }

  const subnet = vpc.subnets.find((candidate) => candidate.id === subnetId);
  if (!subnet) throw vpcepError('EndPoint.2037', `Subnet ${subnetId} is not in VPC ${vpcId}.`);
  return subnet;
}

function readEndpointSettings(body: Body) {
  const whitelist = body.whitelist ?? [];
  if (
    !Array.isArray(whitelist) ||
    !whitelist.every((entry) => typeof entry === 'string' && isWhitelistEntry(entry))
  ) {
    throw vpcepError('EndPoint.2044', 'whitelist must be an array of IPv4 addresses or IPv4 CIDR blocks.');
  }
  if (whitelist.length > MAX_WHITELIST_ENTRIES) {
    throw vpcepError(
      'EndPoint.2045',
      `Give at most ${MAX_WHITELIST_ENTRIES} whitelist entries, got ${whitelist.length}.`,
    );
  }

  return {
    enableDns: optionalBoolean(body, 'enable_dns', 'EndPoint.2033') ?? false,
    enableWhitelist: optionalBoolean(body, 'enable_whitelist') ?? false,
    whitelist: whitelist as string[],
    tags: readTags(body),
    description: readDescription(body),
  };
}

/**
 * Reserves the endpoint's address in the subnet: `port_ip` when given and free, else the lowest free one. The
 * address is reserved at creation but shown only once the endpoint is accepted.
 */
function reserveAddress(state: SimulatorState, subnet: Subnet, portIp: string | undefined): string {
  const used = new Set(
    [...state.endpoints.values()]
      .filter((endpoint) => endpoint.subnetId === subnet.id)
      .map((endpoint) => endpoint.ip),
  );

  if (portIp === undefined) {
    const address = allocateAddress(subnet.cidr, used);
    if (!address) throw vpcepError('EndPoint.2022', `Subnet ${subnet.id} has no free address.`);
    return address;
  }

  const value = parseIpv4(portIp);
  const cidr = parseCidr(subnet.cidr);
  if (value === undefined)
    throw vpcepError('EndPoint.2041', `port_ip must be an IPv4 address, got "${portIp}".`);
  if (!cidr || !cidrContains(cidr, value)) {
    throw vpcepError('EndPoint.2043', `port_ip ${portIp} is outside subnet ${subnet.id} (${subnet.cidr}).`);
  }
  if (used.has(portIp))
    throw vpcepError('EndPoint.2042', `port_ip ${portIp} is already used by another endpoint.`);
  return portIp;
}
