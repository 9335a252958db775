/**
 * The fixed demo world that the simulator seeds, so that walkthroughs and tests can name its ids.
 *
 * Three accounts (IAM domains) exist, each with one project named after the region:
 * - `demo`: the BI platform's user who calls the connections API (`demo` / `demo-password`);
 * - `customer`: owns the endpoint services in front of its databases (`customer` / `customer-password`);
 * - `platform`: the service account of vpcep-connect itself, which signs its IAM and VPCEP calls with
 *   an AK/SK and owns the VPC and subnet where the endpoints are created.
 */

export const DEMO_REGION = 'cn-north-4';

export interface DemoAccount {
  domainId: string;
  domainName: string;
  projectId: string;
  userId: string;
  userName: string;
  password: string;
}

export const DEMO_ACCOUNT: DemoAccount = {
  domainId: '6a3f1e0b5c9d4e7f8a2b1c3d4e5f6a7b',
  domainName: 'demo',
  projectId: '0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e',
  userId: '3c4d5e6f7a8b4c9d8e0f1a2b3c4d5e6f',
  userName: 'demo',
  password: 'demo-password',
};

export const CUSTOMER_ACCOUNT: DemoAccount = {
  domainId: 'c1a2b3c4d5e64f708192a3b4c5d6e7f8',
  domainName: 'customer',
  projectId: 'c9d8e7f6a5b44c3d2e1f0a9b8c7d6e5f',
  userId: 'c5e6f7a8b9c04d1e2f3a4b5c6d7e8f90',
  userName: 'customer',
  password: 'customer-password',
};

export const PLATFORM_ACCOUNT: DemoAccount = {
  domainId: 'f0e1d2c3b4a5469788796a5b4c3d2e1f',
  domainName: 'platform',
  projectId: 'f7e6d5c4b3a2419080706f5e4d3c2b1a',
  userId: 'f1f2f3f4f5f64f7f8f9fafbfcfdfeff0',
  userName: 'platform',
  password: 'platform-password',
};

/** The platform's AK/SK; demo values that are valid only against the simulator. */
export const PLATFORM_ACCESS_KEY = {
  accessKeyId: 'DEMOPLATFORMAK000001',
  secretAccessKey: 'demo-platform-secret-key-not-for-real-use',
};

export const PLATFORM_VPC_ID = '8f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f';
export const PLATFORM_SUBNET_ID = '2e3d4c5b-6a79-4887-9695-a4b3c2d1e0f9';

export interface DemoService {
  id: string;
  shortName: string;
  approvalEnabled: boolean;
  whitelistsPlatform: boolean;
}

export const DEMO_SERVICES = {
  auto: {
    id: '5b0d9c3e-4a56-4f0e-9d7a-1c2b3a4d5e6f',
    shortName: 'demo-auto',
    approvalEnabled: false,
    whitelistsPlatform: true,
  },
  approval: {
    id: '7e1f2a3b-8c9d-4e0f-a1b2-c3d4e5f60718',
    shortName: 'demo-approval',
    approvalEnabled: true,
    whitelistsPlatform: true,
  },
  private: {
    id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    shortName: 'demo-private',
    approvalEnabled: false,
    whitelistsPlatform: false,
  },
} satisfies Record<string, DemoService>;

/** Full endpoint-service name as VPCEP builds it: `{region}.{name}.{id}`. */
export function serviceName(service: DemoService, region = DEMO_REGION): string {
  return `${region}.${service.shortName}.${service.id}`;
}

/** The customer's AK/SK, for provider-side calls (accept, reject, whitelist) signed instead of token-authenticated. */
export const CUSTOMER_ACCESS_KEY = {
  accessKeyId: 'DEMOCUSTOMERAK000001',
  secretAccessKey: 'demo-customer-secret-key-not-for-real-use',
};

/** The customer's VPC and subnet, where the load balancer behind the demo endpoint services sits. */
export const CUSTOMER_VPC_ID = '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d';
export const CUSTOMER_SUBNET_ID = '6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a';

/** Port of the customer load balancer's private IP (`vip_port_id`), the backend of every demo endpoint service. */
export const CUSTOMER_LB_PORT_ID = '4c3b2a19-0f8e-4d7c-a6b5-9483726150fe';
