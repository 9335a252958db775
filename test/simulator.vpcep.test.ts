import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CUSTOMER_ACCESS_KEY,
  CUSTOMER_ACCOUNT,
  CUSTOMER_VPC_ID,
  DEMO_ACCOUNT,
  DEMO_SERVICES,
  PLATFORM_ACCOUNT,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
  serviceName,
} from '../src/simulator/demo.ts';
import type { RunningSimulator } from '../src/simulator/index.ts';
import {
  issueToken,
  passwordAuth,
  platformPath,
  send,
  sendSigned,
  startTestSimulator,
  waitForSettledEndpoint,
} from './support/simulator.ts';

const customerPath = (suffix: string) => `/v1/${CUSTOMER_ACCOUNT.projectId}/${suffix}`;

async function createPlatformEndpoint(simulator: RunningSimulator, serviceId: string, extra = {}) {
  return sendSigned(simulator, 'POST', platformPath('vpc-endpoints'), {
    body: {
      endpoint_service_id: serviceId,
      vpc_id: PLATFORM_VPC_ID,
      subnet_id: PLATFORM_SUBNET_ID,
      ...extra,
    },
  });
}

async function sendAsCustomer(simulator: RunningSimulator, method: string, suffix: string, body?: unknown) {
  const token = await issueToken(simulator, CUSTOMER_ACCOUNT);
  return send(simulator, method, customerPath(suffix), { headers: { 'X-Auth-Token': token }, body });
}

describe('simulator VPCEP describe', () => {
  test('describe by name returns service', async (t) => {
    const simulator = await startTestSimulator(t);
    const name = serviceName(DEMO_SERVICES.auto);

    const response = await sendSigned(simulator, 'GET', platformPath('vpc-endpoint-services/describe'), {
      query: { endpoint_service_name: name },
    });

    assert.equal(response.status, 200);
    assert.equal(response.body.id, DEMO_SERVICES.auto.id);
    assert.equal(response.body.service_name, name);
    assert.equal(response.body.service_type, 'interface');
    assert.match(response.body.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(typeof response.body.is_charge, 'boolean');
    assert.equal(response.body.enable_policy, false);
  });

  test('describe by id returns service', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendSigned(simulator, 'GET', platformPath('vpc-endpoint-services/describe'), {
      query: { id: DEMO_SERVICES.private.id },
    });

    assert.equal(response.status, 200);
    assert.equal(response.body.service_name, serviceName(DEMO_SERVICES.private));
  });

  test('describe unknown name returns 404', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendSigned(simulator, 'GET', platformPath('vpc-endpoint-services/describe'), {
      query: { endpoint_service_name: 'cn-north-4.nothing.0000' },
    });

    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'EndPoint.0005');
    assert.equal(typeof response.body.error.message, 'string');
  });

  test('describe needs exactly one parameter', async (t) => {
    const simulator = await startTestSimulator(t);
    const path = platformPath('vpc-endpoint-services/describe');

    const neither = await sendSigned(simulator, 'GET', path);
    const both = await sendSigned(simulator, 'GET', path, {
      query: { id: DEMO_SERVICES.auto.id, endpoint_service_name: serviceName(DEMO_SERVICES.auto) },
    });

    assert.equal(neither.status, 400);
    assert.equal(neither.body.error.code, 'EndPoint.0002');
    assert.equal(both.status, 400);
    assert.equal(both.body.error.code, 'EndPoint.0002');
  });
});

describe('simulator VPCEP endpoint lifecycle', () => {
  test('endpoint on demo-auto ends accepted', async (t) => {
    const simulator = await startTestSimulator(t);

    const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.auto.id);
    const settled = await waitForSettledEndpoint(simulator, created.body.id);

    assert.equal(created.status, 200);
    assert.equal(created.body.status, 'creating');
    assert.equal(created.body.ip, undefined);
    assert.equal(created.body.endpoint_service_name, serviceName(DEMO_SERVICES.auto));
    assert.equal(created.body.project_id, PLATFORM_ACCOUNT.projectId);
    assert.equal(Number.isInteger(created.body.marker_id), true);
    assert.equal(created.body.specification_name, 'default');
    assert.equal(created.body.enable_status, 'enable');
    assert.deepEqual(created.body.active_status, ['active']);
    assert.equal(settled.status, 200);
    assert.equal(settled.body.status, 'accepted');
    assert.match(settled.body.ip, /^192\.168\.0\.\d+$/);
  });

  test('endpoint on demo-approval ends pendingAcceptance', async (t) => {
    const simulator = await startTestSimulator(t);

    const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.approval.id);
    const settled = await waitForSettledEndpoint(simulator, created.body.id);

    assert.equal(settled.body.status, 'pendingAcceptance');
    assert.equal(settled.body.ip, undefined);
  });

  test('customer accepts pending endpoint', async (t) => {
    const simulator = await startTestSimulator(t);
    const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.approval.id);
    await waitForSettledEndpoint(simulator, created.body.id);
    const connectionsPath = `vpc-endpoint-services/${DEMO_SERVICES.approval.id}/connections`;

    const listed = await sendAsCustomer(simulator, 'GET', connectionsPath);
    const accepted = await sendAsCustomer(simulator, 'POST', `${connectionsPath}/action`, {
      action: 'receive',
      endpoints: [created.body.id],
    });
    const seen = await sendSigned(simulator, 'GET', platformPath(`vpc-endpoints/${created.body.id}`));

    assert.equal(listed.status, 200);
    assert.equal(listed.body.total_count, 1);
    assert.equal(listed.body.connections[0].id, created.body.id);
    assert.equal(listed.body.connections[0].status, 'pendingAcceptance');
    assert.equal(listed.body.connections[0].domain_id, PLATFORM_ACCOUNT.domainId);
    assert.equal(listed.body.connections[0].marker_id, created.body.marker_id);
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.connections[0].status, 'accepted');
    assert.equal(seen.body.status, 'accepted');
    assert.match(seen.body.ip, /^192\.168\.0\.\d+$/);
  });

  test('customer rejects pending endpoint', async (t) => {
    const simulator = await startTestSimulator(t);
    const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.approval.id);
    await waitForSettledEndpoint(simulator, created.body.id);

    const rejected = await sendAsCustomer(
      simulator,
      'POST',
      `vpc-endpoint-services/${DEMO_SERVICES.approval.id}/connections/action`,
      { action: 'reject', endpoints: [created.body.id] },
    );
    const seen = await sendSigned(simulator, 'GET', platformPath(`vpc-endpoints/${created.body.id}`));

    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.connections[0].status, 'rejected');
    assert.equal(seen.body.status, 'rejected');
  });

  test('receive while creating ends accepted', async (t) => {
    // The clock stays within the 15 minutes of signature skew that the simulator allows.
    let now = new Date();
    const simulator = await startTestSimulator(t, { now: () => now, endpointSettleDelayMs: 60_000 });
    const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.approval.id);
    const actionPath = `vpc-endpoint-services/${DEMO_SERVICES.approval.id}/connections/action`;

    const received = await sendAsCustomer(simulator, 'POST', actionPath, {
      action: 'receive',
      endpoints: [created.body.id],
    });
    now = new Date(now.getTime() + 60_000);
    const settled = await sendSigned(simulator, 'GET', platformPath(`vpc-endpoints/${created.body.id}`));

    assert.equal(received.status, 200);
    assert.equal(received.body.connections[0].status, 'creating');
    assert.equal(settled.body.status, 'accepted');
  });

  test('endpoint stays creating before settle time', async (t) => {
    const now = new Date();
    const simulator = await startTestSimulator(t, { now: () => now, endpointSettleDelayMs: 1 });
    const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.auto.id);

    const seen = await sendSigned(simulator, 'GET', platformPath(`vpc-endpoints/${created.body.id}`));

    assert.equal(seen.body.status, 'creating');
  });

  test('accept needs exactly one endpoint', async (t) => {
    const simulator = await startTestSimulator(t);
    const actionPath = `vpc-endpoint-services/${DEMO_SERVICES.approval.id}/connections/action`;

    const response = await sendAsCustomer(simulator, 'POST', actionPath, {
      action: 'receive',
      endpoints: ['a', 'b'],
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'EndPoint.2031');
  });

  test('connections of foreign service return 404', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendSigned(
      simulator,
      'GET',
      platformPath(`vpc-endpoint-services/${DEMO_SERVICES.approval.id}/connections`),
    );

    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'EndPoint.0005');
  });

  test('delete then get returns 404', async (t) => {
    const simulator = await startTestSimulator(t);
    const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.auto.id);
    await waitForSettledEndpoint(simulator, created.body.id);
    const path = platformPath(`vpc-endpoints/${created.body.id}`);

    const deleted = await sendSigned(simulator, 'DELETE', path);
    const deleting = await sendSigned(simulator, 'GET', path);
    const afterSettle = await waitForGone(simulator, path);

    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, undefined);
    assert.equal(deleting.body.status, 'deleting');
    assert.equal(afterSettle.status, 404);
    assert.equal(afterSettle.body.error.code, 'EndPoint.0005');
  });

  test('delete unknown endpoint returns 404', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendSigned(simulator, 'DELETE', platformPath('vpc-endpoints/no-such-endpoint'));

    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'EndPoint.0005');
  });
});

async function waitForGone(simulator: RunningSimulator, path: string) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const response = await sendSigned(simulator, 'GET', path);
    if (response.status !== 200) return response;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${path} still exists after 200 reads`);
}

describe('simulator VPCEP create validation', () => {
  const cases = [
    { name: 'empty service id', body: { endpoint_service_id: '' }, code: 'EndPoint.2029' },
    { name: 'empty vpc id', body: { vpc_id: '' }, code: 'EndPoint.2011' },
    { name: 'missing subnet id', body: { subnet_id: undefined }, code: 'EndPoint.2010' },
    { name: 'foreign vpc', body: { vpc_id: 'vpc-of-someone-else' }, code: 'EndPoint.2001' },
    { name: 'subnet outside vpc', body: { subnet_id: 'other-subnet' }, code: 'EndPoint.2037' },
    { name: 'unknown service', body: { endpoint_service_id: 'no-such-service' }, code: 'EndPoint.2003' },
    { name: 'invalid enable_dns', body: { enable_dns: 'yes' }, code: 'EndPoint.2033' },
    { name: 'invalid whitelist', body: { whitelist: ['300.1.1.1'] }, code: 'EndPoint.2044' },
    { name: 'port ip outside subnet', body: { port_ip: '10.9.9.9' }, code: 'EndPoint.2043' },
  ];

  for (const testCase of cases) {
    test(`${testCase.name} returns ${testCase.code}`, async (t) => {
      const simulator = await startTestSimulator(t);

      const response = await createPlatformEndpoint(simulator, DEMO_SERVICES.auto.id, testCase.body);

      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, testCase.code);
    });
  }

  test('demo-private returns 400 EndPoint.2012', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await createPlatformEndpoint(simulator, DEMO_SERVICES.private.id);

    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'EndPoint.2012');
    assert.match(
      response.body.error.message,
      /You have no permission to connect to the VPC endpoint service\./,
    );
    assert.ok(response.body.error.message.includes(`iam:domain::${PLATFORM_ACCOUNT.domainId}`));
  });

  test('malformed JSON returns EndPoint.0002', async (t) => {
    const simulator = await startTestSimulator(t);
    const token = await issueToken(simulator, PLATFORM_ACCOUNT);

    const response = await send(simulator, 'POST', platformPath('vpc-endpoints'), {
      headers: { 'X-Auth-Token': token },
      rawBody: '{"endpoint_service_id": ',
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'EndPoint.0002');
  });

  test('quota exceeded at 50 endpoints', async (t) => {
    const simulator = await startTestSimulator(t);
    for (let index = 0; index < 50; index += 1) {
      const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.auto.id);
      assert.equal(created.status, 200);
    }

    const response = await createPlatformEndpoint(simulator, DEMO_SERVICES.auto.id);

    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'Endpoint.1018');
  });
});

describe('simulator VPCEP list and quota', () => {
  test('list filters and pages endpoints', async (t) => {
    const simulator = await startTestSimulator(t);
    const auto = await createPlatformEndpoint(simulator, DEMO_SERVICES.auto.id);
    await createPlatformEndpoint(simulator, DEMO_SERVICES.approval.id);
    await createPlatformEndpoint(simulator, DEMO_SERVICES.approval.id);
    const list = (query: Record<string, string>) =>
      sendSigned(simulator, 'GET', platformPath('vpc-endpoints'), { query });

    const all = await list({});
    const byName = await list({ endpoint_service_name: 'DEMO-APPROVAL' });
    const byId = await list({ id: auto.body.id });
    const byVpc = await list({ vpc_id: 'another-vpc' });
    const paged = await list({ limit: '1', offset: '1', sort_dir: 'asc' });

    assert.equal(all.body.total_count, 3);
    assert.equal(all.body.endpoints.length, 3);
    assert.equal(byName.body.total_count, 2);
    assert.equal(byId.body.endpoints[0].id, auto.body.id);
    assert.equal(byVpc.body.total_count, 0);
    assert.equal(paged.body.endpoints.length, 1);
    assert.equal(paged.body.total_count, 3);
  });

  test('list rejects invalid paging', async (t) => {
    const simulator = await startTestSimulator(t);
    const list = (query: Record<string, string>) =>
      sendSigned(simulator, 'GET', platformPath('vpc-endpoints'), { query });

    const limit = await list({ limit: '1001' });
    const offset = await list({ offset: '-1' });
    const sortKey = await list({ sort_key: 'name' });
    const sortDir = await list({ sort_dir: 'up' });

    assert.equal(limit.body.error.code, 'EndPoint.0006');
    assert.equal(offset.body.error.code, 'EndPoint.0010');
    assert.equal(sortKey.body.error.code, 'EndPoint.0017');
    assert.equal(sortDir.body.error.code, 'EndPoint.0018');
  });

  test('quota counts project endpoints', async (t) => {
    const simulator = await startTestSimulator(t);
    await createPlatformEndpoint(simulator, DEMO_SERVICES.auto.id);

    const all = await sendSigned(simulator, 'GET', platformPath('quotas'));
    const endpoints = await sendSigned(simulator, 'GET', platformPath('quotas'), {
      query: { type: 'endpoint' },
    });

    assert.equal(all.status, 200);
    assert.deepEqual(all.body, {
      quotas: {
        resources: [
          { type: 'endpoint_service', used: 0, quota: 20 },
          { type: 'endpoint', used: 1, quota: 50 },
        ],
      },
    });
    assert.deepEqual(endpoints.body.quotas.resources, [{ type: 'endpoint', used: 1, quota: 50 }]);
  });
});

describe('simulator VPCEP provider side', () => {
  test('permissions add lets platform connect', async (t) => {
    const simulator = await startTestSimulator(t);
    const permissionsPath = `vpc-endpoint-services/${DEMO_SERVICES.private.id}/permissions`;
    const entry = `iam:domain::${PLATFORM_ACCOUNT.domainId}`;

    const added = await sendAsCustomer(simulator, 'POST', `${permissionsPath}/action`, {
      permissions: [entry],
      action: 'add',
    });
    const listed = await sendAsCustomer(simulator, 'GET', permissionsPath);
    const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.private.id);
    const settled = await waitForSettledEndpoint(simulator, created.body.id);

    assert.equal(added.status, 200);
    assert.deepEqual(added.body.permissions, [entry]);
    assert.equal(listed.body.total_count, 1);
    assert.equal(listed.body.permissions[0].permission, entry);
    assert.equal(listed.body.permissions[0].permission_type, 'domainId');
    assert.equal(created.status, 200);
    assert.equal(settled.body.status, 'accepted');
  });

  test('permissions remove blocks platform', async (t) => {
    const simulator = await startTestSimulator(t);

    const removed = await sendAsCustomer(
      simulator,
      'POST',
      `vpc-endpoint-services/${DEMO_SERVICES.auto.id}/permissions/action`,
      { permissions: [`iam:domain::${PLATFORM_ACCOUNT.domainId}`], action: 'remove' },
    );
    const created = await createPlatformEndpoint(simulator, DEMO_SERVICES.auto.id);

    assert.deepEqual(removed.body.permissions, []);
    assert.equal(created.body.error.code, 'EndPoint.2012');
  });

  test('permissions reject invalid entry and action', async (t) => {
    const simulator = await startTestSimulator(t);
    const actionPath = `vpc-endpoint-services/${DEMO_SERVICES.private.id}/permissions/action`;

    const entry = await sendAsCustomer(simulator, 'POST', actionPath, {
      permissions: ['domain:x'],
      action: 'add',
    });
    const action = await sendAsCustomer(simulator, 'POST', actionPath, {
      permissions: ['iam:domain::abc'],
      action: 'grant',
    });

    assert.equal(entry.status, 400);
    assert.equal(entry.body.error.code, 'EndPoint.3002');
    assert.equal(action.status, 400);
    assert.equal(action.body.error.code, 'EndPoint.3035');
  });

  test('create service names it by region', async (t) => {
    const simulator = await startTestSimulator(t);
    const body = {
      port_id: 'port-1',
      vpc_id: CUSTOMER_VPC_ID,
      server_type: 'VM',
      service_name: 'my_db',
      ports: [{ client_port: 3306, server_port: 13306, protocol: 'TCP' }],
    };

    const created = await sendSigned(simulator, 'POST', customerPath('vpc-endpoint-services'), {
      body,
      key: CUSTOMER_ACCESS_KEY,
    });
    const listed = await sendSigned(simulator, 'GET', customerPath('vpc-endpoint-services'), {
      key: CUSTOMER_ACCESS_KEY,
    });

    assert.equal(created.status, 200);
    assert.equal(created.body.service_name, `cn-north-4.my_db.${created.body.id}`);
    assert.equal(created.body.status, 'available');
    assert.equal(created.body.approval_enabled, true);
    assert.equal(listed.body.total_count, 4);
  });

  test('create service rejects long name', async (t) => {
    const simulator = await startTestSimulator(t);
    const body = {
      port_id: 'port-1',
      vpc_id: CUSTOMER_VPC_ID,
      server_type: 'VM',
      service_name: 'a-name-longer-than-16',
      ports: [{ client_port: 3306, server_port: 13306 }],
    };

    const response = await sendSigned(simulator, 'POST', customerPath('vpc-endpoint-services'), {
      body,
      key: CUSTOMER_ACCESS_KEY,
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'EndPoint.3076');
  });
});

describe('simulator VPCEP authentication and errors', () => {
  test('token of another project returns 403', async (t) => {
    const simulator = await startTestSimulator(t);
    const token = await issueToken(simulator, DEMO_ACCOUNT);

    const response = await send(simulator, 'GET', platformPath('vpc-endpoints'), {
      headers: { 'X-Auth-Token': token },
    });

    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'EndPoint.0004');
  });

  test('domain-scoped token returns 403', async (t) => {
    const simulator = await startTestSimulator(t);
    const issued = await send(simulator, 'POST', '/v3/auth/tokens', {
      body: passwordAuth(PLATFORM_ACCOUNT),
    });

    const response = await send(simulator, 'GET', platformPath('vpc-endpoints'), {
      headers: { 'X-Auth-Token': issued.headers['x-subject-token'] as string },
    });

    assert.equal(response.status, 403);
  });

  test('access key of another project returns 403', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendSigned(simulator, 'GET', customerPath('vpc-endpoints'));

    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'EndPoint.0004');
  });

  test('project token is accepted', async (t) => {
    const simulator = await startTestSimulator(t);
    const token = await issueToken(simulator, PLATFORM_ACCOUNT);

    const response = await send(simulator, 'GET', platformPath('vpc-endpoints'), {
      headers: { 'X-Auth-Token': token },
    });

    assert.equal(response.status, 200);
  });

  test('missing credentials return 401', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'GET', platformPath('vpc-endpoints'));

    assert.equal(response.status, 401);
    assert.equal(response.body.error_code, 'APIGW.0301');
    assert.match(response.body.error_msg, /^Incorrect IAM authentication information: /);
    assert.equal(response.body.request_id, response.headers['x-request-id']);
  });

  test('flat error shape', async (t) => {
    const simulator = await startTestSimulator(t, { errorShape: 'flat' });

    const response = await sendSigned(simulator, 'GET', platformPath('vpc-endpoints/no-such-endpoint'));

    assert.equal(response.status, 404);
    assert.equal(response.body.error_code, 'EndPoint.0005');
    assert.equal(typeof response.body.error_msg, 'string');
    assert.equal(response.body.error, undefined);
  });

  test('nested error shape', async (t) => {
    const simulator = await startTestSimulator(t, { errorShape: 'nested' });

    const response = await sendSigned(simulator, 'GET', platformPath('vpc-endpoints/no-such-endpoint'));

    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'EndPoint.0005');
    assert.equal(typeof response.body.error.message, 'string');
    assert.equal(response.body.error_code, undefined);
  });

  test('unknown VPCEP API returns 501', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendSigned(simulator, 'PUT', platformPath(`vpc-endpoints/some-id`), { body: {} });

    assert.equal(response.status, 501);
    assert.equal(response.body.error.code, 'Simulator.0501');
  });
});
