/**
 * VPCEP client for the platform's service account. Every call runs in the platform's own project: the
 * project id is in every path and in `X-Project-Id`, and requests are AK/SK signed.
 */
import { CloudTransport, type DebugLogger, type HttpTimeouts } from './http.ts';
import type { TransportObserver } from './observer.ts';
import type {
  CreateEndpointInput,
  Endpoint,
  EndpointQuota,
  EndpointServiceSummary,
  EndpointStatus,
  ListEndpointsFilter,
  VpcepClient,
} from './ports.ts';
import {
  asArray,
  asObject,
  type JsonObject,
  optionalBoolean,
  optionalString,
  ResponseShapeError,
  requiredNumber,
  requiredString,
} from './response-shape.ts';
import type { RetryOptions } from './retry.ts';
import type { AccessKey } from './signer.ts';

const ENDPOINT_STATUSES: ReadonlySet<string> = new Set<EndpointStatus>([
  'creating',
  'pendingAcceptance',
  'accepted',
  'rejected',
  'failed',
  'deleting',
]);

export interface HttpVpcepClientOptions {
  /** VPCEP base URL, such as `https://vpcep.cn-north-4.myhuaweicloud.com`. */
  endpoint: string;
  /** The platform's own project id in this region. */
  projectId: string;
  /** The platform's AK/SK. */
  accessKey: AccessKey;
  timeouts?: Partial<HttpTimeouts>;
  logger?: DebugLogger;
  retry?: RetryOptions;
  /** Receives every call's outcome and every retry, for metrics. */
  observer?: TransportObserver;
}

export class HttpVpcepClient implements VpcepClient {
  readonly #transport: CloudTransport;
  readonly #projectPath: string;

  constructor(options: HttpVpcepClientOptions) {
    this.#projectPath = `/v1/${encodeURIComponent(options.projectId)}`;
    this.#transport = new CloudTransport({
      service: 'vpcep',
      endpoint: options.endpoint,
      accessKey: options.accessKey,
      fixedHeaders: { 'X-Project-Id': options.projectId },
      timeouts: options.timeouts,
      logger: options.logger,
      retry: options.retry,
      observer: options.observer,
    });
  }

  describeServiceByName(name: string): Promise<EndpointServiceSummary> {
    return this.#describeService('describeServiceByName', { endpoint_service_name: name });
  }

  describeServiceById(id: string): Promise<EndpointServiceSummary> {
    return this.#describeService('describeServiceById', { id });
  }

  createEndpoint(input: CreateEndpointInput): Promise<Endpoint> {
    const body = {
      endpoint_service_id: input.endpointServiceId,
      vpc_id: input.vpcId,
      subnet_id: input.subnetId,
      tags: input.tags,
      description: input.description,
    };
    return this.#transport.send(
      {
        operation: 'createEndpoint',
        method: 'POST',
        path: `${this.#projectPath}/vpc-endpoints`,
        body: withoutUndefined(body),
        expectJson: true,
      },
      (response) => toEndpoint(response.body, 'body'),
    );
  }

  getEndpoint(id: string): Promise<Endpoint> {
    return this.#transport.send(
      {
        operation: 'getEndpoint',
        method: 'GET',
        path: `${this.#projectPath}/vpc-endpoints/${encodeURIComponent(id)}`,
        expectJson: true,
      },
      (response) => toEndpoint(response.body, 'body'),
    );
  }

  listEndpoints(filter: ListEndpointsFilter): Promise<{ endpoints: Endpoint[]; totalCount: number }> {
    const query = {
      endpoint_service_name: filter.endpointServiceName,
      vpc_id: filter.vpcId,
      id: filter.id,
      limit: filter.limit?.toString(),
      offset: filter.offset?.toString(),
    };
    return this.#transport.send(
      {
        operation: 'listEndpoints',
        method: 'GET',
        path: `${this.#projectPath}/vpc-endpoints`,
        query,
        expectJson: true,
      },
      (response) => toEndpointList(response.body),
    );
  }

  /** Starts deleting an endpoint. VPCEP returns 204 and removes the endpoint asynchronously. */
  async deleteEndpoint(id: string): Promise<void> {
    await this.#transport.send(
      {
        operation: 'deleteEndpoint',
        method: 'DELETE',
        path: `${this.#projectPath}/vpc-endpoints/${encodeURIComponent(id)}`,
        expectJson: false,
      },
      () => undefined,
    );
  }

  getEndpointQuota(): Promise<EndpointQuota> {
    return this.#transport.send(
      {
        operation: 'getEndpointQuota',
        method: 'GET',
        path: `${this.#projectPath}/quotas`,
        query: { type: 'endpoint' },
        expectJson: true,
      },
      (response) => toEndpointQuota(response.body),
    );
  }

  close(): Promise<void> {
    return this.#transport.close();
  }

  #describeService(operation: string, query: Record<string, string>): Promise<EndpointServiceSummary> {
    return this.#transport.send(
      {
        operation,
        method: 'GET',
        path: `${this.#projectPath}/vpc-endpoint-services/describe`,
        query,
        expectJson: true,
      },
      (response) => toServiceSummary(response.body),
    );
  }
}

/** Maps the body of `GET .../vpc-endpoint-services/describe`. */
export function toServiceSummary(body: unknown): EndpointServiceSummary {
  const service = asObject(body, 'body');
  return {
    id: requiredString(service, 'id', 'body'),
    serviceName: requiredString(service, 'service_name', 'body'),
    serviceType: requiredString(service, 'service_type', 'body'),
    createdAt: optionalString(service, 'created_at', 'body'),
    isCharge: optionalBoolean(service, 'is_charge', 'body'),
  };
}

/** Maps one endpoint object as create, get and list return it. */
export function toEndpoint(value: unknown, path: string): Endpoint {
  const endpoint = asObject(value, path);
  const status = requiredString(endpoint, 'status', path);
  if (!ENDPOINT_STATUSES.has(status)) {
    throw new ResponseShapeError(`${path}.status "${status}" is not a known endpoint status`);
  }

  return {
    id: requiredString(endpoint, 'id', path),
    status: status as EndpointStatus,
    endpointServiceId: requiredString(endpoint, 'endpoint_service_id', path),
    endpointServiceName: requiredString(endpoint, 'endpoint_service_name', path),
    vpcId: requiredString(endpoint, 'vpc_id', path),
    subnetId: optionalString(endpoint, 'subnet_id', path),
    ip: optionalString(endpoint, 'ip', path),
    tags: toTags(endpoint, path),
    createdAt: optionalString(endpoint, 'created_at', path),
    updatedAt: optionalString(endpoint, 'updated_at', path),
    errors: toEndpointErrors(endpoint, path),
  };
}

function toTags(endpoint: JsonObject, path: string): Endpoint['tags'] {
  if (endpoint.tags == null) return [];
  return asArray(endpoint.tags, `${path}.tags`).map((value, index) => {
    const tagPath = `${path}.tags[${index}]`;
    const tag = asObject(value, tagPath);
    return { key: requiredString(tag, 'key', tagPath), value: optionalString(tag, 'value', tagPath) ?? '' };
  });
}

/** Maps the `error` array (`[{error_code, error_message}]`) that VPCEP attaches to a failed endpoint. */
function toEndpointErrors(endpoint: JsonObject, path: string): Endpoint['errors'] {
  if (endpoint.error == null) return [];
  return asArray(endpoint.error, `${path}.error`).map((value, index) => {
    const errorPath = `${path}.error[${index}]`;
    const error = asObject(value, errorPath);
    return {
      code: optionalString(error, 'error_code', errorPath) ?? '',
      message: optionalString(error, 'error_message', errorPath) ?? '',
    };
  });
}

function toEndpointList(body: unknown): { endpoints: Endpoint[]; totalCount: number } {
  const list = asObject(body, 'body');
  const endpoints = asArray(list.endpoints, 'body.endpoints').map((value, index) =>
    toEndpoint(value, `body.endpoints[${index}]`),
  );
  return { endpoints, totalCount: requiredNumber(list, 'total_count', 'body') };
}

/** Picks the `endpoint` entry out of `{"quotas":{"resources":[{"type","used","quota"}]}}`. */
export function toEndpointQuota(body: unknown): EndpointQuota {
  const quotas = asObject(asObject(body, 'body').quotas, 'body.quotas');
  const resources = asArray(quotas.resources, 'body.quotas.resources');

  for (const [index, value] of resources.entries()) {
    const path = `body.quotas.resources[${index}]`;
    const resource = asObject(value, path);
    if (resource.type !== 'endpoint') continue;
    return { used: requiredNumber(resource, 'used', path), quota: requiredNumber(resource, 'quota', path) };
  }
  throw new ResponseShapeError('body.quotas.resources has no entry of type "endpoint"');
}

function withoutUndefined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
