/**
 * Creation of an endpoint service: the checks on the request body and the stored service.
 */
import { randomUUID } from 'node:crypto';
import { callerOf } from './auth.ts';
import { vpcepError } from './errors.ts';
import { isRecord, type SimulatorRequest } from './http.ts';
import {
  ENDPOINT_SERVICE_QUOTA,
  type EndpointService,
  type PortMapping,
  type SimulatorState,
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

const SERVER_TYPES = ['VM', 'VIP', 'LB'];
const TCP_PROXY_VALUES = ['close', 'toa_open', 'proxy_open', 'open', 'proxy_vni'];
const MAX_PORT_MAPPINGS = 200;

/**
 * Validates a create request and stores the service, at once `available`. The stored name is
 * `{region}.{service_name}.{id}`, or `{region}.{id}` without a `service_name`.
 * NOTE: `port_id` is not checked against a real port, because the simulator does not model ports.
 */
export function createEndpointService(state: SimulatorState, request: SimulatorRequest): EndpointService {
  const body = readVpcepBody(request);
  const { projectId } = request.params;

  const portId = requireString(body, 'port_id');
  const vpcId = requireString(body, 'vpc_id', 'EndPoint.2011');
  const vpc = state.vpcs.get(vpcId);
  if (!vpc || vpc.projectId !== projectId) {
    throw vpcepError('EndPoint.2001', `Project ${projectId} has no VPC ${vpcId}.`);
  }

  const ports = readPorts(body);
  checkPortConflicts(state, projectId, portId, ports);
  const shortName = readServiceName(body);
  const settings = readServiceSettings(body);

  if (state.servicesOfProject(projectId).length >= ENDPOINT_SERVICE_QUOTA) {
    throw vpcepError(
      'Endpoint.1018',
      `Project ${projectId} already has ${ENDPOINT_SERVICE_QUOTA} endpoint services.`,
    );
  }

  const id = randomUUID();
  const now = state.now();
  const service: EndpointService = {
    id,
    projectId,
    domainId: callerOf(request).account.domainId,
    serviceName: shortName ? `${state.region}.${shortName}.${id}` : `${state.region}.${id}`,
    portId,
    vpcId,
    ports,
    serviceType: 'interface',
    status: 'available',
    permissions: [],
    createdAt: now,
    updatedAt: now,
    ...settings,
  };
  state.services.set(id, service);
  return service;
}

function readServiceName(body: Body): string | undefined {
  const name = optionalString(body, 'service_name');
  if (name !== undefined && !/^[A-Za-z0-9_-]{0,16}$/.test(name)) {
    throw vpcepError(
      'EndPoint.3076',
      `service_name must be at most 16 letters, digits, underscores or hyphens, got "${name}".`,
    );
  }
  return name || undefined;
}

function readServiceSettings(body: Body) {
  const serverType = requireString(body, 'server_type');
  if (!SERVER_TYPES.includes(serverType)) {
    throw vpcepError(
      'EndPoint.0002',
      `server_type must be one of ${SERVER_TYPES.join(', ')}, got "${serverType}".`,
    );
  }

  const serviceType = optionalString(body, 'service_type') ?? 'interface';
  if (serviceType !== 'interface') {
    throw vpcepError(
      'EndPoint.0002',
      `service_type must be interface; users cannot create "${serviceType}" services.`,
    );
  }

  const tcpProxy = optionalString(body, 'tcp_proxy') ?? 'close';
  if (!TCP_PROXY_VALUES.includes(tcpProxy)) {
    throw vpcepError(
      'EndPoint.0002',
      `tcp_proxy must be one of ${TCP_PROXY_VALUES.join(', ')}, got "${tcpProxy}".`,
    );
  }

  return {
    serverType,
    approvalEnabled: optionalBoolean(body, 'approval_enabled') ?? true,
    tcpProxy,
    description: readDescription(body),
    tags: readTags(body),
  };
}

function readPorts(body: Body): PortMapping[] {
  const ports = body.ports;
  if (!Array.isArray(ports) || ports.length === 0) {
    throw vpcepError(
      'EndPoint.0002',
      'ports must be a non-empty array of {client_port, server_port, protocol}.',
    );
  }
  if (ports.length > MAX_PORT_MAPPINGS) {
    throw vpcepError(
      'EndPoint.3074',
      `Give at most ${MAX_PORT_MAPPINGS} port mappings, got ${ports.length}.`,
    );
  }

  const mappings = ports.map((port, index): PortMapping => {
    if (!isRecord(port) || !isPortNumber(port.client_port) || !isPortNumber(port.server_port)) {
      throw vpcepError('EndPoint.3043', `ports[${index}] needs client_port and server_port from 1 to 65535.`);
    }
    const protocol = port.protocol ?? 'TCP';
    if (protocol !== 'TCP') {
      throw vpcepError(
        'EndPoint.3075',
        `ports[${index}].protocol must be TCP, got ${JSON.stringify(protocol)}.`,
      );
    }
    return { client_port: port.client_port, server_port: port.server_port, protocol };
  });

  const keys = mappings.map((mapping) => `${mapping.client_port}/${mapping.server_port}/${mapping.protocol}`);
  if (new Set(keys).size !== keys.length) {
    throw vpcepError('EndPoint.3044', 'ports contains the same mapping twice.');
  }
  return mappings;
}

function isPortNumber(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

/** Services on the same backend port must differ in server port or protocol, so traffic is not ambiguous. */
function checkPortConflicts(
  state: SimulatorState,
  projectId: string,
  portId: string,
  ports: PortMapping[],
): void {
  for (const service of state.servicesOfProject(projectId)) {
    if (service.portId !== portId) continue;

    const clash = ports.find((port) =>
      service.ports.some((used) => used.server_port === port.server_port && used.protocol === port.protocol),
    );
    if (clash) {
      throw vpcepError(
        'EndPoint.3044',
        `Service ${service.id} already maps server port ${clash.server_port}/${clash.protocol} on port ${portId}.`,
      );
    }
  }
}
