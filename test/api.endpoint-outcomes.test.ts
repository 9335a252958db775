import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CUSTOMER_ACCOUNT, DEMO_SERVICES, serviceName } from '../src/simulator/demo.ts';
import { customerAction, customerConnections } from './support/customer.ts';
import { type Harness, isDeletedUpstream, postConnection, startHarness } from './support/harness.ts';

async function connectionRows(harness: Harness) {
  return harness.store.db.selectFrom('connections').selectAll().execute();
}

describe('endpoint rejected while being created', () => {
  let harness: Harness;

  before(async () => {
    // A slow settle gives the customer time to reject the endpoint while it is still `creating`.
    harness = await startHarness({ simulator: { endpointSettleDelayMs: 400 } });
  });
  after(() => harness.close());

  test('rejection is 409 and nothing remains', async () => {
    const customerToken = await harness.tokenFor(CUSTOMER_ACCOUNT);
    const serviceId = DEMO_SERVICES.approval.id;
    const pending = postConnection(harness, { ds_type: 'MySQL', vpc_ep_server_id: serviceId });

    let creating: { id: string } | undefined;
    while (!creating) {
      creating = (await customerConnections(harness, customerToken, serviceId)).find(
        (c) => c.status === 'creating',
      );
    }
    await customerAction(harness, customerToken, serviceId, 'reject', creating.id);
    const response = await pending;

    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error_code, 'DataArtsInsight.24010016');
    assert.match(response.json().error_msg, new RegExp(`rejected VPC endpoint ${creating.id}`));
    assert.equal((await connectionRows(harness)).length, 0);
    assert.ok(isDeletedUpstream(harness, creating.id), 'the rejected endpoint is deleted');
  });
});

describe('endpoint failing at creation', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
    // VPCEP marks an endpoint `failed` when it cannot connect it; the fault hook makes that happen.
    harness.simulator.state.faultHook = {
      after(context, result) {
        if (context.operation === 'CreateEndpoint') {
          const endpoint = harness.simulator.state.endpoints.get(
            (result as { body: { id: string } }).body.id,
          );
          if (endpoint) {
            endpoint.status = 'failed';
            endpoint.settlesAt = undefined;
          }
        }
        return result;
      },
    };
  });
  after(() => harness.close());

  test('failure is 502 and nothing remains', async () => {
    const response = await postConnection(harness, {
      ds_type: 'Doris',
      vpc_ep_server_name: serviceName(DEMO_SERVICES.auto),
    });

    assert.equal(response.statusCode, 502);
    assert.equal(response.json().error_code, 'DataArtsInsight.24090001');
    assert.match(response.json().error_msg, /as failed.*the endpoint was deleted/);
    assert.equal((await connectionRows(harness)).length, 0);
    const remaining = [...harness.simulator.state.endpoints.values()].filter(
      (endpoint) => endpoint.status !== 'deleting',
    );
    assert.deepEqual(remaining, []);
  });
});
