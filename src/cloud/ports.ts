/**
 * The outbound ports: what the connections workflow needs from IAM and VPCEP. The HTTP clients in this
 * folder implement them; tests drive those clients against the simulator over loopback.
 */

/** The identity and scope that IAM returns for a validated user token. */
export interface TokenInfo {
  userId: string;
  userName: string;
  domainId: string;
  domainName: string;
  /** Project the token is scoped to; undefined for a domain-scoped (global) token. */
  projectId?: string;
  projectName?: string;
  roles: string[];
  expiresAt: Date;
}

export interface IamClient {
  /** Validates a user token (`GET /v3/auth/tokens`); a token IAM does not accept raises CloudError 404 or 401. */
  validateToken(token: string): Promise<TokenInfo>;
}

export type EndpointStatus =
  | 'creating'
  | 'pendingAcceptance'
  | 'accepted'
  | 'rejected'
  | 'failed'
  | 'deleting';

export interface EndpointServiceSummary {
  id: string;
  serviceName: string;
  /** `interface` or `gateway`; endpoints to customer databases need `interface`. */
  serviceType: string;
  createdAt?: string;
  isCharge?: boolean;
}

export interface Tag {
  key: string;
  value: string;
}

export interface Endpoint {
  id: string;
  status: EndpointStatus;
  endpointServiceId: string;
  endpointServiceName: string;
  vpcId: string;
  subnetId?: string;
  ip?: string;
  tags: Tag[];
  createdAt?: string;
  updatedAt?: string;
  /** Reasons VPCEP gives for a `failed` endpoint. */
  errors: Array<{ code: string; message: string }>;
}

export interface CreateEndpointInput {
  endpointServiceId: string;
  vpcId: string;
  subnetId: string;
  tags: Tag[];
  description?: string;
}

export interface ListEndpointsFilter {
  endpointServiceName?: string;
  vpcId?: string;
  id?: string;
  limit?: number;
  offset?: number;
}

export interface EndpointQuota {
  used: number;
  quota: number;
}

/**
 * VPCEP as called by the platform's service account. Every call runs in the platform's own project, whose
 * id the implementation holds; the customer's project id never appears here.
 */
export interface VpcepClient {
  describeServiceByName(name: string): Promise<EndpointServiceSummary>;
  describeServiceById(id: string): Promise<EndpointServiceSummary>;
  createEndpoint(input: CreateEndpointInput): Promise<Endpoint>;
  getEndpoint(id: string): Promise<Endpoint>;
  listEndpoints(filter: ListEndpointsFilter): Promise<{ endpoints: Endpoint[]; totalCount: number }>;
  deleteEndpoint(id: string): Promise<void>;
  getEndpointQuota(): Promise<EndpointQuota>;
}
