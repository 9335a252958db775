import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_ACCOUNT, DEMO_SERVICES, PLATFORM_ACCOUNT, serviceName } from '../src/simulator/demo.ts';
import { type Harness, postConnection, startHarness } from './support/harness.ts';

const DOCUMENTED_FIELDS = [
  'create_date',
  'create_user',
  'create_user_name',
  'domain_id',
  'ds_type',
  'id',
  'project_id',
  'scene',
  'update_date',
  'update_user',
  'update_user_name',
  'vpc_ep_client_id',
  'vpc_ep_client_status',
  'vpc_ep_server_id',
  'vpc_ep_server_name',
];

describe('POST /v1/{project_id}/connections/vpc-endpoint', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test('auto-accepting service returns an accepted record', async () => {
    const before = Date.now();
    const response = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_name: serviceName(DEMO_SERVICES.auto),
    });

    assert.equal(response.statusCode, 200);
    const record = response.json();
    assert.deepEqual(Object.keys(record).sort(), DOCUMENTED_FIELDS);
    assert.equal(record.vpc_ep_client_status, 'accepted');
    assert.equal(record.scene, 'dii-app_to_data-source');
    assert.equal(record.ds_type, 'DWS');
    assert.equal(record.project_id, DEMO_ACCOUNT.projectId);
    assert.equal(record.domain_id, DEMO_ACCOUNT.domainId);
    assert.equal(record.create_user, DEMO_ACCOUNT.userId);
    assert.equal(record.create_user_name, DEMO_ACCOUNT.userName);
    assert.equal(record.update_user, DEMO_ACCOUNT.userId);
    assert.equal(record.update_user_name, DEMO_ACCOUNT.userName);
    assert.equal(record.vpc_ep_server_id, DEMO_SERVICES.auto.id);
    assert.equal(record.vpc_ep_server_name, serviceName(DEMO_SERVICES.auto));
    assert.match(record.id, /^[0-9a-f]{32}$/);
    assert.equal(typeof record.create_date, 'number');
    assert.ok(record.create_date >= before, 'create_date is epoch milliseconds of this request');
    assert.equal(typeof record.update_date, 'number');
    assert.ok(record.vpc_ep_client_id.length > 0);
    assert.ok(response.headers['x-request-id']);
  });

  test('endpoint is created in the platform VPC with our tags', async () => {
    const response = await postConnection(
      harness,
      { ds_type: 'MySQL', vpc_ep_server_id: DEMO_SERVICES.auto.id },
      {
        'x-workspace-id': harness.workspaceId,
      },
    );
    const record = response.json();
    const endpoint = harness.simulator.state.endpoints.get(record.vpc_ep_client_id);

    assert.ok(endpoint, 'the simulator holds the endpoint');
    assert.equal(endpoint.projectId, PLATFORM_ACCOUNT.projectId);
    assert.equal(endpoint.vpcId, harness.cloud.vpcId);
    assert.equal(endpoint.subnetId, harness.cloud.subnetId);
    assert.deepEqual(
      endpoint.tags.find((tag: { key: string }) => tag.key === 'vpcep_connect_connection_id'),
      { key: 'vpcep_connect_connection_id', value: record.id },
    );
  });

  test('approval service returns pendingAcceptance', async () => {
    const response = await postConnection(harness, {
      ds_type: 'PostgreSQL',
      vpc_ep_server_name: serviceName(DEMO_SERVICES.approval),
    });

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().vpc_ep_client_status, 'pendingAcceptance');
    assert.equal(response.json().vpc_ep_server_id, DEMO_SERVICES.approval.id);
  });

  test('repeated request returns the same connection', async () => {
    const body = { ds_type: 'DWS', vpc_ep_server_name: serviceName(DEMO_SERVICES.auto) };
    const first = (await postConnection(harness, body)).json();
    const second = (await postConnection(harness, body)).json();

    assert.equal(second.id, first.id);
    assert.equal(second.vpc_ep_client_id, first.vpc_ep_client_id);
  });
});

describe('request variants', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test('vpc_ep_server_id alone works', async () => {
    const response = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_id: DEMO_SERVICES.approval.id,
    });

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().vpc_ep_server_name, serviceName(DEMO_SERVICES.approval));
  });

  test('matching name and id work together', async () => {
    const response = await postConnection(harness, {
      ds_type: 'ClickHouse',
      vpc_ep_server_name: serviceName(DEMO_SERVICES.auto),
      vpc_ep_server_id: DEMO_SERVICES.auto.id,
    });

    assert.equal(response.statusCode, 200);
  });

  test('ds_type is matched case-insensitively', async () => {
    await harness.store.db.deleteFrom('connections').execute();
    const response = await postConnection(harness, {
      ds_type: 'opengauss',
      vpc_ep_server_id: DEMO_SERVICES.auto.id,
    });

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().ds_type, 'OpenGauss');
  });

  test('empty name with an id counts as blank', async () => {
    await harness.store.db.deleteFrom('connections').execute();
    const response = await postConnection(harness, {
      ds_type: 'HIVE',
      vpc_ep_server_name: '',
      vpc_ep_server_id: DEMO_SERVICES.auto.id,
    });

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().ds_type, 'HIVE');
  });
});
