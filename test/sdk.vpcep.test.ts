/**
 * VPCEP through the official core's HTTP client (`@huaweicloud/huaweicloud-sdk-core` 3.1.211), with the
 * request options that Huawei's generated VPCEP client builds: the endpoint lifecycle, and VPCEP errors as
 * the SDK surfaces them, each with the `X-Request-Id` it exposes as `requestId`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CUSTOMER_ACCESS_KEY,
  CUSTOMER_ACCOUNT,
  DEMO_SERVICES,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
  serviceName,
} from '../src/simulator/demo.ts';
import { type CoreCall, coreVpcepClient, sdkError } from './support/sdk.ts';
import { startTestSimulator } from './support/simulator.ts';

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const getEndpoint = (id: string): CoreCall => ({
  method: 'GET',
  url: '/v1/{project_id}/vpc-endpoints/{vpc_endpoint_id}',
  pathParams: { vpc_endpoint_id: id },
});

describe('official core VPCEP lifecycle', () => {
  test('approval service endpoint lifecycle', async (t) => {
    const simulator = await startTestSimulator(t, { endpointSettleDelayMs: 0 });
    const platform = coreVpcepClient(simulator.url);
    const customer = coreVpcepClient(simulator.url, CUSTOMER_ACCESS_KEY, CUSTOMER_ACCOUNT.projectId);
    const connections = `/v1/{project_id}/vpc-endpoint-services/${DEMO_SERVICES.approval.id}/connections`;

    const described = await platform({
      method: 'GET',
      url: '/v1/{project_id}/vpc-endpoint-services/describe',
      queryParams: { endpoint_service_name: serviceName(DEMO_SERVICES.approval) },
    });
    const created = await platform({
      method: 'POST',
      url: '/v1/{project_id}/vpc-endpoints',
      data: { endpoint_service_id: described.id, vpc_id: PLATFORM_VPC_ID, subnet_id: PLATFORM_SUBNET_ID },
    });
    const pending = await platform(getEndpoint(created.id));
    const listed = await customer({
      method: 'GET',
      url: connections,
      queryParams: { status: 'pendingAcceptance' },
    });
    const accepted = await customer({
      method: 'POST',
      url: `${connections}/action`,
      data: { action: 'receive', endpoints: [created.id] },
    });
    const connected = await platform(getEndpoint(created.id));
    const deleted = await platform({ ...getEndpoint(created.id), method: 'DELETE' });
    // With no settle delay, the deleted endpoint is gone by the next request and no longer counts.
    const quota = await platform({
      method: 'GET',
      url: '/v1/{project_id}/quotas',
      queryParams: { type: 'endpoint' },
    });

    assert.equal(described.httpStatusCode, 200);
    assert.equal(created.httpStatusCode, 200);
    assert.equal(created.status, 'creating');
    assert.equal(pending.status, 'pendingAcceptance');
    assert.equal(listed.connections[0].id, created.id);
    assert.equal(accepted.connections[0].status, 'accepted');
    assert.equal(connected.status, 'accepted');
    assert.match(connected.ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(deleted.httpStatusCode, 204);
    assert.deepEqual(quota.quotas.resources, [{ type: 'endpoint', used: 0, quota: 50 }]);
  });

  test('list endpoints with all options', async (t) => {
    const simulator = await startTestSimulator(t, { endpointSettleDelayMs: 0 });
    const platform = coreVpcepClient(simulator.url);
    const create = (serviceId: string) =>
      platform({
        method: 'POST',
        url: '/v1/{project_id}/vpc-endpoints',
        data: { endpoint_service_id: serviceId, vpc_id: PLATFORM_VPC_ID, subnet_id: PLATFORM_SUBNET_ID },
      });
    const first = await create(DEMO_SERVICES.auto.id);
    await create(DEMO_SERVICES.approval.id);

    const listed = await platform({
      method: 'GET',
      url: '/v1/{project_id}/vpc-endpoints',
      queryParams: {
        endpoint_service_name: 'Demo-Auto',
        vpc_id: PLATFORM_VPC_ID,
        limit: 1,
        offset: 0,
        sort_key: 'update_at',
        sort_dir: 'asc',
      },
    });

    assert.equal(listed.total_count, 1);
    assert.equal(listed.endpoints[0].id, first.id);
  });
});

describe('official core VPCEP errors', () => {
  test('unknown endpoint is EndPoint.0005', async (t) => {
    const simulator = await startTestSimulator(t);

    const error = await sdkError(coreVpcepClient(simulator.url)(getEndpoint('no-such-endpoint')));

    assert.equal(error.name, 'ClientRequestException');
    assert.equal(error.httpStatusCode, 404);
    assert.equal(error.errorCode, 'EndPoint.0005');
    assert.match(error.errorMsg ?? '', /^The requested resource does not exist\./);
    assert.match(error.requestId ?? '', REQUEST_ID);
  });

  test('flat error body gives the code', async (t) => {
    const simulator = await startTestSimulator(t, { errorShape: 'flat' });

    const error = await sdkError(coreVpcepClient(simulator.url)(getEndpoint('no-such-endpoint')));

    assert.equal(error.httpStatusCode, 404);
    assert.equal(error.errorCode, 'EndPoint.0005');
    assert.match(error.requestId ?? '', REQUEST_ID);
  });

  test('id with a space is signed and found missing', async (t) => {
    const simulator = await startTestSimulator(t);

    // The SDK sends the space as %20 but signs the path with %2520, which the simulator reproduces.
    const error = await sdkError(coreVpcepClient(simulator.url)(getEndpoint('no such endpoint')));

    assert.equal(error.httpStatusCode, 404);
    assert.equal(error.errorCode, 'EndPoint.0005');
  });

  test('over-long id reaches the route', async (t) => {
    const simulator = await startTestSimulator(t);

    const error = await sdkError(coreVpcepClient(simulator.url)(getEndpoint('a'.repeat(200))));

    assert.equal(error.httpStatusCode, 404);
    assert.equal(error.errorCode, 'EndPoint.0005');
    assert.match(error.requestId ?? '', REQUEST_ID);
  });

  test('undecodable path is EndPoint.0002', async (t) => {
    const simulator = await startTestSimulator(t);

    const error = await sdkError(coreVpcepClient(simulator.url)(getEndpoint('%zz')));

    assert.equal(error.httpStatusCode, 400);
    assert.equal(error.errorCode, 'EndPoint.0002');
    assert.match(error.requestId ?? '', REQUEST_ID);
  });

  test('wrong project key is EndPoint.0004', async (t) => {
    const simulator = await startTestSimulator(t);
    const call = coreVpcepClient(simulator.url, CUSTOMER_ACCESS_KEY);

    const error = await sdkError(call({ method: 'GET', url: '/v1/{project_id}/quotas' }));

    assert.equal(error.httpStatusCode, 403);
    assert.equal(error.errorCode, 'EndPoint.0004');
    assert.match(error.requestId ?? '', REQUEST_ID);
  });
});
