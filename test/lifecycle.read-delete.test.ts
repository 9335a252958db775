import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CUSTOMER_ACCOUNT, DEMO_ACCOUNT, DEMO_SERVICES, serviceName } from '../src/simulator/demo.ts';
import { insertWorkspace } from '../src/store/workspaces.ts';
import { customerAction } from './support/customer.ts';
import { callApi, type Harness, isDeletedUpstream, postConnection, startHarness } from './support/harness.ts';

const OTHER_WORKSPACE = 'b2c3d4e5f6a74b8c9d0e1f2a3b4c5d6e';

describe('connection reads', () => {
  let harness: Harness;
  const created: Record<string, { id: string; vpc_ep_client_id: string }> = {};

  before(async () => {
    // A zero maximum age makes every read of one connection re-read its endpoint.
    harness = await startHarness({ env: { STATUS_MAX_AGE_MS: '0' } });
    await insertWorkspace(harness.store.db, {
      id: OTHER_WORKSPACE,
      projectId: DEMO_ACCOUNT.projectId,
      domainId: DEMO_ACCOUNT.domainId,
      name: 'other',
      description: '',
      isDefault: false,
      createTime: 1,
      createUser: DEMO_ACCOUNT.userId,
      updateTime: 1,
      updateUser: DEMO_ACCOUNT.userId,
    });
    created.auto = (
      await postConnection(harness, { ds_type: 'dws', vpc_ep_server_id: DEMO_SERVICES.auto.id })
    ).json();
    created.approval = (
      await postConnection(harness, { ds_type: 'MySQL', vpc_ep_server_id: DEMO_SERVICES.approval.id })
    ).json();
    created.other = (
      await postConnection(
        harness,
        { ds_type: 'MySQL', vpc_ep_server_id: DEMO_SERVICES.auto.id },
        {
          'x-workspace-id': OTHER_WORKSPACE,
        },
      )
    ).json();
  });
  after(() => harness.close());

  test('list returns the workspace, newest first', async () => {
    const response = await callApi(harness, 'GET', '/connections/vpc-endpoint');

    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.count, 2);
    assert.deepEqual(
      body.page_data.map((record: { id: string }) => record.id),
      [created.approval.id, created.auto.id],
    );
    assert.equal(Object.keys(body.page_data[0]).length, 15);
  });

  test('list filters by ds_type case-insensitively', async () => {
    const body = (await callApi(harness, 'GET', '/connections/vpc-endpoint?ds_type=mysql')).json();

    assert.equal(body.count, 1);
    assert.equal(body.page_data[0].id, created.approval.id);
  });

  test('list filters by status and name', async () => {
    const byStatus = (
      await callApi(harness, 'GET', '/connections/vpc-endpoint?vpc_ep_client_status=accepted')
    ).json();
    const name = encodeURIComponent(serviceName(DEMO_SERVICES.approval));
    const byName = (
      await callApi(harness, 'GET', `/connections/vpc-endpoint?vpc_ep_server_name=${name}`)
    ).json();

    assert.deepEqual(
      byStatus.page_data.map((record: { id: string }) => record.id),
      [created.auto.id],
    );
    assert.deepEqual(
      byName.page_data.map((record: { id: string }) => record.id),
      [created.approval.id],
    );
  });

  test('list pages with offset and limit', async () => {
    const body = (await callApi(harness, 'GET', '/connections/vpc-endpoint?offset=1&limit=1')).json();

    assert.equal(body.count, 2);
    assert.equal(body.page_data.length, 1);
    assert.equal(body.page_data[0].id, created.auto.id);
  });

  test('list rejects limit over 1000', async () => {
    const response = await callApi(harness, 'GET', '/connections/vpc-endpoint?limit=1001');

    assert.equal(response.statusCode, 400);
    assert.match(response.json().error_msg, /"limit" must be at most 1000/);
  });

  test('list rejects unknown ds_type', async () => {
    const response = await callApi(harness, 'GET', '/connections/vpc-endpoint?ds_type=Oracle');

    assert.equal(response.statusCode, 400);
    assert.match(response.json().error_msg, /ds_type "Oracle" is not supported/);
  });

  test('get returns one record', async () => {
    const response = await callApi(harness, 'GET', `/connections/vpc-endpoint/${created.auto.id}`);

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().id, created.auto.id);
    assert.equal(response.json().ds_type, 'DWS');
  });

  test("another workspace's connection is not found", async () => {
    const response = await callApi(harness, 'GET', `/connections/vpc-endpoint/${created.other.id}`);

    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error_code, 'DataArtsInsight.24010003');
  });

  test("get shows the customer's accept", async () => {
    const customerToken = await harness.tokenFor(CUSTOMER_ACCOUNT);
    await customerAction(
      harness,
      customerToken,
      DEMO_SERVICES.approval.id,
      'receive',
      created.approval.vpc_ep_client_id,
    );
    const response = await callApi(harness, 'GET', `/connections/vpc-endpoint/${created.approval.id}`);

    assert.equal(response.json().vpc_ep_client_status, 'accepted');
  });

  test("get shows the customer's reject", async () => {
    const customerToken = await harness.tokenFor(CUSTOMER_ACCOUNT);
    await customerAction(
      harness,
      customerToken,
      DEMO_SERVICES.approval.id,
      'reject',
      created.approval.vpc_ep_client_id,
    );
    const response = await callApi(harness, 'GET', `/connections/vpc-endpoint/${created.approval.id}`);

    assert.equal(response.json().vpc_ep_client_status, 'rejected');
  });
});

describe('connection delete', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness({ env: { UPSTREAM_MAX_ATTEMPTS: '1' } });
  });
  after(() => harness.close());

  test('delete removes endpoint and record', async () => {
    const record = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id })
    ).json();
    const response = await callApi(harness, 'DELETE', `/connections/vpc-endpoint/${record.id}`);

    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
    assert.ok(isDeletedUpstream(harness, record.vpc_ep_client_id), 'the endpoint is deleted');
    const read = await callApi(harness, 'GET', `/connections/vpc-endpoint/${record.id}`);
    assert.equal(read.statusCode, 404);
    const list = (await callApi(harness, 'GET', '/connections/vpc-endpoint')).json();
    assert.equal(list.count, 0);
  });

  test('repeated delete answers 204', async () => {
    const record = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id })
    ).json();
    await callApi(harness, 'DELETE', `/connections/vpc-endpoint/${record.id}`);
    const again = await callApi(harness, 'DELETE', `/connections/vpc-endpoint/${record.id}`);

    assert.equal(again.statusCode, 204);
  });

  test('unknown connection is 404', async () => {
    const response = await callApi(
      harness,
      'DELETE',
      '/connections/vpc-endpoint/0123456789abcdef0123456789abcdef',
    );

    assert.equal(response.statusCode, 404);
  });

  test('failed upstream delete keeps the connection', async () => {
    const record = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id })
    ).json();
    const fault = harness.simulator.faults.add({ operations: ['DeleteEndpoint'], status: 500 });
    const failed = await callApi(harness, 'DELETE', `/connections/vpc-endpoint/${record.id}`);

    assert.equal(failed.statusCode, 502);
    assert.equal(failed.json().error_code, 'DataArtsInsight.24090090');
    const read = await callApi(harness, 'GET', `/connections/vpc-endpoint/${record.id}`);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().vpc_ep_client_status, 'accepted');

    fault.remove();
    const retried = await callApi(harness, 'DELETE', `/connections/vpc-endpoint/${record.id}`);
    assert.equal(retried.statusCode, 204);
  });

  test('create after delete makes a new connection', async () => {
    const first = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id })
    ).json();
    await callApi(harness, 'DELETE', `/connections/vpc-endpoint/${first.id}`);
    const second = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id })
    ).json();

    assert.notEqual(second.id, first.id);
    assert.notEqual(second.vpc_ep_client_id, first.vpc_ep_client_id);
  });
});

describe('list status filter', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
    await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id });
  });
  after(() => harness.close());

  test('matches status case-insensitively', async () => {
    const body = (
      await callApi(harness, 'GET', '/connections/vpc-endpoint?vpc_ep_client_status=ACCEPTED')
    ).json();

    assert.equal(body.count, 1);
  });

  test('rejects an unknown status', async () => {
    const response = await callApi(harness, 'GET', '/connections/vpc-endpoint?vpc_ep_client_status=bogus');

    assert.equal(response.statusCode, 400);
    assert.match(
      response.json().error_msg,
      /"bogus" is not a status; use one of creating, pendingAcceptance/,
    );
  });
});
