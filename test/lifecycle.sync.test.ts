import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { connectionTags } from '../src/connections/tags.ts';
import { CUSTOMER_ACCOUNT, DEMO_ACCOUNT, DEMO_SERVICES, PLATFORM_ACCOUNT } from '../src/simulator/demo.ts';
import { reserveConnection } from '../src/store/connections.ts';
import { customerAction } from './support/customer.ts';
import { callApi, type Harness, isDeletedUpstream, postConnection, startHarness } from './support/harness.ts';
import { sendSigned } from './support/simulator.ts';

/** Makes every active connection due for the next sync pass. */
async function makeAllDue(harness: Harness) {
  await harness.store.db
    .updateTable('connections')
    .set({ next_check_at: 0 })
    .where('phase', '=', 'active')
    .execute();
}

async function storedStatus(harness: Harness, id: string) {
  const row = await harness.store.db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.vpc_ep_client_status;
}

/** Reserves a connection as a process that died before recording an endpoint: its lease ran out. */
function reserveForDeadProcess(harness: Harness, serviceId: string) {
  return reserveConnection(harness.store.db, {
    projectId: DEMO_ACCOUNT.projectId,
    domainId: DEMO_ACCOUNT.domainId,
    workspaceId: harness.workspaceId,
    dsType: 'DWS',
    vpcEpServerId: serviceId,
    vpcEpServerName: harness.simulator.state.services.get(serviceId)!.serviceName,
    scene: 'dii-app_to_data-source',
    createDate: Date.now(),
    createUser: DEMO_ACCOUNT.userId,
    createUserName: DEMO_ACCOUNT.userName,
    leaseOwner: 'a-process-that-died',
    leaseUntil: Date.now() - 1,
  });
}

/** Creates an endpoint straight through VPCEP as the platform, tagged as if for `connectionId`. */
async function createTaggedEndpoint(
  harness: Harness,
  connectionId: string,
  serviceId = DEMO_SERVICES.auto.id,
) {
  const response = await sendSigned(
    harness.simulator,
    'POST',
    `/v1/${PLATFORM_ACCOUNT.projectId}/vpc-endpoints`,
    {
      body: {
        endpoint_service_id: serviceId,
        vpc_id: harness.cloud.vpcId,
        subnet_id: harness.cloud.subnetId,
        tags: connectionTags({ id: connectionId, workspaceId: harness.workspaceId }),
      },
    },
  );
  assert.equal(response.status, 200);
  return response.body.id as string;
}

describe('status sync', () => {
  let harness: Harness;
  let customerToken: string;

  before(async () => {
    harness = await startHarness({ env: { PENDING_EXPIRY_MS: '60000' } });
    customerToken = await harness.tokenFor(CUSTOMER_ACCOUNT);
  });
  after(() => harness.close());
  beforeEach(async () => {
    await harness.store.db.deleteFrom('connections').execute();
  });

  test('records an accept made by the customer', async () => {
    const record = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.approval.id })
    ).json();
    await customerAction(
      harness,
      customerToken,
      DEMO_SERVICES.approval.id,
      'receive',
      record.vpc_ep_client_id,
    );
    await makeAllDue(harness);

    const result = await harness.syncOnce();

    assert.equal(result.refreshed, 1);
    assert.equal(await storedStatus(harness, record.id), 'accepted');
    const listed = (await callApi(harness, 'GET', '/connections/vpc-endpoint')).json();
    assert.equal(listed.page_data[0].vpc_ep_client_status, 'accepted');
    assert.ok(listed.page_data[0].update_date >= record.update_date);
  });

  test('records a later rejection of an accepted endpoint', async () => {
    const record = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.approval.id })
    ).json();
    await customerAction(
      harness,
      customerToken,
      DEMO_SERVICES.approval.id,
      'receive',
      record.vpc_ep_client_id,
    );
    await customerAction(
      harness,
      customerToken,
      DEMO_SERVICES.approval.id,
      'reject',
      record.vpc_ep_client_id,
    );
    await makeAllDue(harness);

    await harness.syncOnce();

    assert.equal(await storedStatus(harness, record.id), 'rejected');
  });

  test('records an endpoint deleted outside as deleted', async () => {
    const record = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id })
    ).json();
    harness.simulator.state.endpoints.delete(record.vpc_ep_client_id);
    await makeAllDue(harness);

    await harness.syncOnce();

    assert.equal(await storedStatus(harness, record.id), 'deleted');
  });

  test('leaves rows that are not due alone', async () => {
    await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id });

    const result = await harness.syncOnce();

    assert.equal(result.claimed, 0);
  });

  test('expires an endpoint pending too long', async () => {
    const record = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.approval.id })
    ).json();
    await harness.store.db
      .updateTable('connections')
      .set({ endpoint_created_at: Date.now() - 61_000 })
      .execute();
    await makeAllDue(harness);

    const result = await harness.syncOnce();

    assert.equal(result.expired, 1);
    assert.equal(await storedStatus(harness, record.id), 'expired');
    assert.ok(isDeletedUpstream(harness, record.vpc_ep_client_id), 'the expired endpoint is deleted');
  });

  test('postpones a row when VPCEP fails', async () => {
    const record = (
      await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id })
    ).json();
    await makeAllDue(harness);
    const fault = harness.simulator.faults.add({ operations: ['ListEndpointInfoDetails'], status: 503 });

    const result = await harness.syncOnce();
    fault.remove();

    assert.equal(result.failed, 1);
    const row = await harness.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', record.id)
      .executeTakeFirstOrThrow();
    assert.ok(Number(row.next_check_at) > Date.now(), 'the next check is postponed');
    assert.equal(row.lease_owner, null);
  });

  test('adopts the endpoint of a dead reservation', async () => {
    const reserved = await reserveForDeadProcess(harness, DEMO_SERVICES.auto.id);
    const endpointId = await createTaggedEndpoint(harness, reserved.id);

    const result = await harness.syncOnce();

    assert.equal(result.reservationsAdopted, 1);
    const row = await harness.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', reserved.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.phase, 'active');
    assert.equal(row.vpc_ep_client_id, endpointId);
  });

  test('releases a dead reservation without endpoint', async () => {
    const reserved = await reserveForDeadProcess(harness, DEMO_SERVICES.approval.id);

    const result = await harness.syncOnce();

    assert.equal(result.reservationsReleased, 1);
    const rows = await harness.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', reserved.id)
      .execute();
    assert.equal(rows.length, 0);
  });

  test('deletes a tagged endpoint that no connection records', async () => {
    const endpointId = await createTaggedEndpoint(harness, 'f'.repeat(32));

    const result = await harness.syncOnce();

    assert.equal(result.orphansDeleted, 1);
    assert.ok(isDeletedUpstream(harness, endpointId), 'the orphan is deleted');
  });

  test('leaves untagged endpoints alone', async () => {
    const response = await sendSigned(
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

    await harness.syncOnce();

    assert.equal(isDeletedUpstream(harness, response.body.id), false);
  });
});
