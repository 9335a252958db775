/**
 * Seeds the demo world of `demo.ts` into a fresh state: the three accounts with their projects and access
 * keys, the platform's and the customer's VPCs, and the customer's three endpoint services.
 */

import type { AccessKey } from '../cloud/signer.ts';
import {
  CUSTOMER_ACCESS_KEY,
  CUSTOMER_ACCOUNT,
  CUSTOMER_LB_PORT_ID,
  CUSTOMER_SUBNET_ID,
  CUSTOMER_VPC_ID,
  DEMO_ACCOUNT,
  DEMO_SERVICES,
  type DemoAccount,
  type DemoService,
  PLATFORM_ACCESS_KEY,
  PLATFORM_ACCOUNT,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
  serviceName,
} from './demo.ts';
import { newPermission } from './permissions.ts';
import type { Account, EndpointService, SimulatorState } from './state.ts';

export const PLATFORM_SUBNET_CIDR = '192.168.0.0/24';
export const CUSTOMER_SUBNET_CIDR = '10.0.1.0/24';

/** Database port behind each demo service, so that the services on the one load balancer port do not clash. */
const DEMO_SERVER_PORTS: Record<string, number> = {
  'demo-auto': 3306,
  'demo-approval': 5432,
  'demo-private': 8000,
};

export function seedDemoWorld(state: SimulatorState): void {
  state.accounts.push(
    toAccount(state, DEMO_ACCOUNT, []),
    toAccount(state, CUSTOMER_ACCOUNT, [CUSTOMER_ACCESS_KEY]),
    toAccount(state, PLATFORM_ACCOUNT, [PLATFORM_ACCESS_KEY]),
  );

  state.vpcs.set(PLATFORM_VPC_ID, {
    id: PLATFORM_VPC_ID,
    projectId: PLATFORM_ACCOUNT.projectId,
    cidr: '192.168.0.0/16',
    subnets: [{ id: PLATFORM_SUBNET_ID, vpcId: PLATFORM_VPC_ID, cidr: PLATFORM_SUBNET_CIDR }],
  });
  state.vpcs.set(CUSTOMER_VPC_ID, {
    id: CUSTOMER_VPC_ID,
    projectId: CUSTOMER_ACCOUNT.projectId,
    cidr: '10.0.0.0/16',
    subnets: [{ id: CUSTOMER_SUBNET_ID, vpcId: CUSTOMER_VPC_ID, cidr: CUSTOMER_SUBNET_CIDR }],
  });

  for (const demoService of Object.values(DEMO_SERVICES)) {
    state.services.set(demoService.id, toService(state, demoService));
  }
}

/** Builds a simulated account with one project, named after the region as Huawei Cloud names default projects. */
function toAccount(state: SimulatorState, demo: DemoAccount, accessKeys: AccessKey[]): Account {
  return { ...demo, projectName: state.region, accessKeys };
}

function toService(state: SimulatorState, demo: DemoService): EndpointService {
  const now = state.now();
  const serverPort = DEMO_SERVER_PORTS[demo.shortName];
  const permissions = demo.whitelistsPlatform
    ? [newPermission(`iam:domain::${PLATFORM_ACCOUNT.domainId}`, now)]
    : [];

  return {
    id: demo.id,
    projectId: CUSTOMER_ACCOUNT.projectId,
    domainId: CUSTOMER_ACCOUNT.domainId,
    serviceName: serviceName(demo, state.region),
    portId: CUSTOMER_LB_PORT_ID,
    vpcId: CUSTOMER_VPC_ID,
    serverType: 'LB',
    ports: [{ client_port: serverPort, server_port: serverPort, protocol: 'TCP' }],
    approvalEnabled: demo.approvalEnabled,
    serviceType: 'interface',
    status: 'available',
    tcpProxy: 'close',
    description: `Demo endpoint service ${demo.shortName}`,
    tags: [],
    permissions,
    createdAt: now,
    updatedAt: now,
  };
}
