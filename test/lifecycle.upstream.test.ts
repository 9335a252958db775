import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DEMO_SERVICES, PLATFORM_ACCOUNT } from '../src/simulator/demo.ts';
import { type Harness, postConnection, startHarness } from './support/harness.ts';
import { sendSigned } from './support/simulator.ts';

const AUTO = { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id };

function platformEndpoints(harness: Harness) {
  return [...harness.simulator.state.endpoints.values()].filter(
    (endpoint) => endpoint.projectId === PLATFORM_ACCOUNT.projectId && endpoint.status !== 'deleting',
  );
}

describe('upstream behaviour during a create', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());
  beforeEach(async () => {
    harness.simulator.faults.clear();
    await harness.store.db.deleteFrom('connections').execute();
    harness.simulator.state.endpoints.clear();
  });

  test('lost create answer finds the endpoint by tag', async () => {
    const fault = harness.simulator.faults.add({
      operations: ['CreateEndpoint'],
      times: 1,
      dropResponse: true,
    });
    const response = await postConnection(harness, AUTO);

    assert.equal(fault.hits, 1);
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().vpc_ep_client_status, 'accepted');
    const endpoints = platformEndpoints(harness);
    assert.equal(endpoints.length, 1);
    assert.equal(endpoints[0].id, response.json().vpc_ep_client_id);
  });

  test('new endpoint answering 404 at first is waited for', async () => {
    harness.simulator.faults.notFoundReadsForNewEndpoints(3);
    const response = await postConnection(harness, AUTO);

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().vpc_ep_client_status, 'accepted');
  });

  test('throttled create is retried once through', async () => {
    const fault = harness.simulator.faults.add({ operations: ['CreateEndpoint'], times: 2, throttle: true });
    const response = await postConnection(harness, AUTO);

    assert.equal(fault.hits, 2);
    assert.equal(response.statusCode, 200);
    assert.equal(platformEndpoints(harness).length, 1);
  });

  test('throttled reads are retried', async () => {
    const fault = harness.simulator.faults.add({
      operations: ['ListServiceDescribeDetails'],
      times: 2,
      throttle: true,
    });
    const response = await postConnection(harness, AUTO);

    assert.equal(fault.hits, 2);
    assert.equal(response.statusCode, 200);
  });

  test('used-up quota fails before any create', async () => {
    for (let index = 0; index < 50; index++) {
      const created = await sendSigned(
        harness.simulator,
        'POST',
        `/v1/${PLATFORM_ACCOUNT.projectId}/vpc-endpoints`,
        {
          body: {
            endpoint_service_id: DEMO_SERVICES.auto.id,
            vpc_id: harness.cloud.vpcId,
            subnet_id: harness.cloud.subnetId,
          },
        },
      );
      assert.equal(created.status, 200);
    }
    const creates = harness.simulator.faults.add({ operations: ['CreateEndpoint'], latencyMs: 0 });

    const response = await postConnection(harness, AUTO);

    assert.equal(response.statusCode, 503);
    assert.equal(response.json().error_code, 'DataArtsInsight.24090002');
    assert.match(response.json().error_msg, /used 50 of its 50 VPC endpoints/);
    assert.equal(creates.hits, 0);
    const rows = await harness.store.db.selectFrom('connections').selectAll().execute();
    assert.equal(rows.length, 0);
  });

  test('endpoint calls use the platform project', async () => {
    const seen = harness.simulator.faults.add({ latencyMs: 0 });
    const paths: string[] = [];
    harness.simulator.state.faultHook = {
      before(context) {
        paths.push(context.request.url);
      },
    };
    await postConnection(harness, AUTO);
    seen.remove();

    const vpcepPaths = paths.filter((path) => path.startsWith('/v1/'));
    assert.ok(vpcepPaths.length >= 3);
    for (const path of vpcepPaths) {
      assert.ok(path.startsWith(`/v1/${PLATFORM_ACCOUNT.projectId}/`), path);
    }
  });
});
