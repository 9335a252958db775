import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CUSTOMER_ACCOUNT, DEMO_SERVICES, serviceName } from '../src/simulator/demo.ts';
import { customerAction } from './support/customer.ts';
import { type Harness, type HarnessOptions, postConnection, startHarness } from './support/harness.ts';
import { createTestSchema, skipUnlessPostgres, type TestSchema } from './support/postgres.ts';

const AUTO = { ds_type: 'DWS', vpc_ep_server_name: serviceName(DEMO_SERVICES.auto) };
const APPROVAL = { ds_type: 'MySQL', vpc_ep_server_id: DEMO_SERVICES.approval.id };

/** Endpoints the simulator holds for a service, leaving out those being deleted. */
function liveEndpoints(harness: Harness, serviceId: string) {
  return [...harness.simulator.state.endpoints.values()].filter(
    (endpoint) => endpoint.serviceId === serviceId && endpoint.status !== 'deleting',
  );
}

const dialects: Array<{ name: string; skip: () => Promise<false | string>; schema: boolean }> = [
  { name: 'SQLite', skip: async () => false, schema: false },
  { name: 'PostgreSQL', skip: skipUnlessPostgres, schema: true },
];

for (const dialect of dialects) {
  describe(`idempotent create on ${dialect.name}`, { skip: await dialect.skip() }, () => {
    let harness: Harness;
    let schema: TestSchema | undefined;

    async function start(options: HarnessOptions = {}): Promise<Harness> {
      schema = dialect.schema ? await createTestSchema('lifecycle_idem') : undefined;
      return startHarness({ ...options, databaseUrl: schema?.url });
    }

    before(async () => {
      harness = await start();
    });
    after(async () => {
      await harness.close();
      await schema?.drop();
    });

    test('50 concurrent creates make one endpoint', async () => {
      const responses = await Promise.all(Array.from({ length: 50 }, () => postConnection(harness, AUTO)));

      const statuses = new Set(responses.map((response) => response.statusCode));
      assert.deepEqual([...statuses], [200]);
      const ids = new Set(responses.map((response) => response.json().id));
      assert.equal(ids.size, 1);
      const clientIds = new Set(responses.map((response) => response.json().vpc_ep_client_id));
      assert.equal(clientIds.size, 1);
      assert.equal(liveEndpoints(harness, DEMO_SERVICES.auto.id).length, 1);
    });

    test('repeat returns same id with refreshed update', async () => {
      const first = (await postConnection(harness, AUTO)).json();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = (await postConnection(harness, AUTO)).json();

      assert.equal(second.id, first.id);
      assert.equal(second.vpc_ep_client_id, first.vpc_ep_client_id);
      assert.equal(second.create_date, first.create_date);
      assert.ok(second.update_date > first.update_date, 'update_date moves on a repeated create');
      assert.equal(second.update_user, first.create_user);
    });

    test('repeat re-reads the status from VPCEP', async () => {
      const pending = (await postConnection(harness, APPROVAL)).json();
      assert.equal(pending.vpc_ep_client_status, 'pendingAcceptance');

      const customerToken = await harness.tokenFor(CUSTOMER_ACCOUNT);
      await customerAction(
        harness,
        customerToken,
        DEMO_SERVICES.approval.id,
        'receive',
        pending.vpc_ep_client_id,
      );
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const again = (await postConnection(harness, APPROVAL)).json();

      assert.equal(again.id, pending.id);
      assert.equal(again.vpc_ep_client_status, 'accepted');
    });

    test('rejected endpoint is replaced on the next create', async () => {
      const created = (await postConnection(harness, APPROVAL)).json();
      const customerToken = await harness.tokenFor(CUSTOMER_ACCOUNT);
      await customerAction(
        harness,
        customerToken,
        DEMO_SERVICES.approval.id,
        'reject',
        created.vpc_ep_client_id,
      );
      await new Promise((resolve) => setTimeout(resolve, 1100));

      const replaced = (await postConnection(harness, APPROVAL)).json();

      assert.equal(replaced.id, created.id);
      assert.notEqual(replaced.vpc_ep_client_id, created.vpc_ep_client_id);
      assert.equal(replaced.vpc_ep_client_status, 'pendingAcceptance');
      const live = liveEndpoints(harness, DEMO_SERVICES.approval.id).map((endpoint) => endpoint.id);
      assert.deepEqual(live, [replaced.vpc_ep_client_id]);
    });

    test('endpoint deleted outside is replaced', async () => {
      const created = (await postConnection(harness, AUTO)).json();
      harness.simulator.state.endpoints.delete(created.vpc_ep_client_id);
      await new Promise((resolve) => setTimeout(resolve, 1100));

      const replaced = (await postConnection(harness, AUTO)).json();

      assert.equal(replaced.id, created.id);
      assert.notEqual(replaced.vpc_ep_client_id, created.vpc_ep_client_id);
      assert.equal(replaced.vpc_ep_client_status, 'accepted');
    });
  });
}

describe('repeated create with another ds_type', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test('records the new ds_type', async () => {
    const first = (await postConnection(harness, AUTO)).json();
    const second = (await postConnection(harness, { ...AUTO, ds_type: 'clickhouse' })).json();

    assert.equal(second.id, first.id);
    assert.equal(second.ds_type, 'ClickHouse');
    assert.equal(second.vpc_ep_client_id, first.vpc_ep_client_id);
  });
});

describe('rapidly repeated creates', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test('still see a status change', async () => {
    const created = (await postConnection(harness, APPROVAL)).json();
    const customerToken = await harness.tokenFor(CUSTOMER_ACCOUNT);
    await customerAction(
      harness,
      customerToken,
      DEMO_SERVICES.approval.id,
      'receive',
      created.vpc_ep_client_id,
    );

    // Repeats closer together than the one-second freshness window must not keep resetting it.
    const statuses: string[] = [];
    for (let repeat = 0; repeat < 8; repeat++) {
      statuses.push((await postConnection(harness, APPROVAL)).json().vpc_ep_client_status);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    assert.equal(statuses.at(-1), 'accepted', statuses.join(', '));
  });
});
