/**
 * The simulator's in-memory world: accounts, networks, endpoint services, endpoints and tokens.
 *
 * Endpoint status changes that Huawei Cloud makes asynchronously (`creating` to `accepted` or
 * `pendingAcceptance`, `deleting` to gone) are applied lazily by `settle()`, which compares each endpoint's
 * `settlesAt` with the injected clock. The app calls it before every request, so no timer outlives the app.
 * With a frozen clock, endpoints stay `creating`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessKey } from '../cloud/signer.ts';

export interface Account {
  domainId: string;
  domainName: string;
  projectId: string;
  projectName: string;
  userId: string;
  userName: string;
  password: string;
  accessKeys: AccessKey[];
}

export interface Subnet {
  id: string;
  vpcId: string;
  cidr: string;
}

export interface Vpc {
  id: string;
  projectId: string;
  cidr: string;
  subnets: Subnet[];
}

export interface PortMapping {
  client_port: number;
  server_port: number;
  protocol: string;
}

export interface Tag {
  key: string;
  value: string;
}

export interface Permission {
  id: string;
  permission: string;
  permissionType: 'domainId' | 'orgPath';
  description: string;
  createdAt: Date;
}

export interface EndpointService {
  id: string;
  projectId: string;
  domainId: string;
  serviceName: string;
  portId: string;
  vpcId: string;
  serverType: string;
  ports: PortMapping[];
  approvalEnabled: boolean;
  serviceType: 'interface';
  status: 'available';
  tcpProxy: string;
  description: string;
  tags: Tag[];
  permissions: Permission[];
  createdAt: Date;
  updatedAt: Date;
}

export type EndpointStatus =
  | 'creating'
  | 'pendingAcceptance'
  | 'accepted'
  | 'rejected'
  | 'failed'
  | 'deleting';

export type OwnerDecision = 'receive' | 'reject';

export interface Endpoint {
  id: string;
  projectId: string;
  domainId: string;
  serviceId: string;
  serviceName: string;
  vpcId: string;
  subnetId: string;
  status: EndpointStatus;
  /** Address reserved at creation, shown only after the owner has accepted the endpoint once. */
  ip: string;
  everAccepted: boolean;
  markerId: number;
  enableDns: boolean;
  tags: Tag[];
  whitelist: string[];
  enableWhitelist: boolean;
  description: string;
  connectionDescription: string;
  createdAt: Date;
  updatedAt: Date;
  /** Epoch milliseconds at which a `creating` or `deleting` endpoint settles, or undefined for other statuses. */
  settlesAt?: number;
  /** A receive or reject sent while the endpoint was still `creating`, applied when it settles. */
  pendingDecision?: OwnerDecision;
}

export type TokenScope = { kind: 'project'; projectId: string } | { kind: 'domain' };

export interface IssuedToken {
  value: string;
  account: Account;
  scope: TokenScope;
  methods: string[];
  issuedAt: Date;
  expiresAt: Date;
}

export interface OperationContext {
  /** Operation name as Huawei's SDK calls it, e.g. `CreateEndpoint`. */
  operation: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * The one seam for fault injection. `before` runs after authentication and before the handler: it may
 * wait, throw a `SimulatorError` (a 5xx, a 429 `EndPoint.0022`) or send a reply itself. `after` runs once the
 * handler has changed the state: it may wait, replace the result, or destroy the socket to drop the response.
 */
export interface FaultHook {
  before?(context: OperationContext): Promise<void> | void;
  after?(context: OperationContext, result: unknown): Promise<unknown> | unknown;
}

export const ENDPOINT_QUOTA = 50;
export const ENDPOINT_SERVICE_QUOTA = 20;

export interface StateOptions {
  region: string;
  endpointSettleDelayMs: number;
  now: () => Date;
}

export class SimulatorState {
  readonly region: string;
  readonly endpointSettleDelayMs: number;
  readonly now: () => Date;
  readonly accounts: Account[] = [];
  readonly vpcs = new Map<string, Vpc>();
  readonly services = new Map<string, EndpointService>();
  readonly endpoints = new Map<string, Endpoint>();
  readonly tokens = new Map<string, IssuedToken>();
  faultHook: FaultHook | undefined;
  private nextMarkerId = 302010101;

  constructor(options: StateOptions) {
    this.region = options.region;
    this.endpointSettleDelayMs = options.endpointSettleDelayMs;
    this.now = options.now;
  }

  accountByAccessKey(accessKeyId: string): Account | undefined {
    return this.accounts.find((account) => account.accessKeys.some((key) => key.accessKeyId === accessKeyId));
  }

  secretFor(accessKeyId: string): string | undefined {
    const account = this.accountByAccessKey(accessKeyId);
    return account?.accessKeys.find((key) => key.accessKeyId === accessKeyId)?.secretAccessKey;
  }

  accountByProject(projectId: string): Account | undefined {
    return this.accounts.find((account) => account.projectId === projectId);
  }

  allocateMarkerId(): number {
    const markerId = this.nextMarkerId;
    this.nextMarkerId += 1;
    return markerId;
  }

  endpointsOfProject(projectId: string): Endpoint[] {
    return [...this.endpoints.values()].filter((endpoint) => endpoint.projectId === projectId);
  }

  endpointsOfService(serviceId: string): Endpoint[] {
    return [...this.endpoints.values()].filter((endpoint) => endpoint.serviceId === serviceId);
  }

  servicesOfProject(projectId: string): EndpointService[] {
    return [...this.services.values()].filter((service) => service.projectId === projectId);
  }

  /** Applies every status change whose settle time has passed on the state's clock. */
  settle(): void {
    const now = this.now();
    for (const endpoint of [...this.endpoints.values()]) {
      if (endpoint.settlesAt === undefined || endpoint.settlesAt > now.getTime()) continue;

      endpoint.settlesAt = undefined;
      if (endpoint.status === 'deleting') {
        this.endpoints.delete(endpoint.id);
      } else if (endpoint.status === 'creating') {
        this.setEndpointStatus(endpoint, this.statusAfterCreation(endpoint), now);
      }
    }
  }

  /** Sets a status and its side effects: the update time, and the address becoming visible on acceptance. */
  setEndpointStatus(endpoint: Endpoint, status: EndpointStatus, now: Date = this.now()): void {
    endpoint.status = status;
    endpoint.updatedAt = now;
    if (status === 'accepted') endpoint.everAccepted = true;
  }

  /**
   * Returns where a `creating` endpoint lands: the owner's pending decision if one came in meanwhile, `failed`
   * if the service was deleted meanwhile, `accepted` when the service needs no approval or the endpoint is the
   * owner's own, else `pendingAcceptance`.
   */
  private statusAfterCreation(endpoint: Endpoint): EndpointStatus {
    if (endpoint.pendingDecision === 'receive') return 'accepted';
    if (endpoint.pendingDecision === 'reject') return 'rejected';

    const service = this.services.get(endpoint.serviceId);
    if (!service) return 'failed';
    if (!service.approvalEnabled || service.domainId === endpoint.domainId) return 'accepted';
    return 'pendingAcceptance';
  }
}
