import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_WORKSPACE_ID } from '../src/cli/demo-setup.ts';
import { CUSTOMER_ACCOUNT, DEMO_ACCOUNT, DEMO_SERVICES } from '../src/simulator/demo.ts';
import { callApi, type Harness, postConnection, startHarness } from './support/harness.ts';

describe('GET /v1/{project_id}/workspaces', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  const list = (projectId: string, token: string | undefined, query = '') =>
    harness.app.inject({
      method: 'GET',
      url: `/v1/${projectId}/workspaces${query}`,
      headers: token ? { 'x-auth-token': token } : {},
    });

  test('demo project lists its default workspace', async () => {
    const response = await list(DEMO_ACCOUNT.projectId, harness.token);

    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.count, 1);
    assert.equal(body.page_data[0].id, DEMO_WORKSPACE_ID);
    assert.equal(body.page_data[0].is_default, 1);
    assert.equal(body.page_data[0].project_id, DEMO_ACCOUNT.projectId);
    assert.equal(typeof body.page_data[0].create_time, 'number');
  });

  test('new project gets a default workspace', async () => {
    const token = await harness.tokenFor(CUSTOMER_ACCOUNT);
    const first = (await list(CUSTOMER_ACCOUNT.projectId, token)).json();
    const second = (await list(CUSTOMER_ACCOUNT.projectId, token)).json();

    assert.equal(first.count, 1);
    assert.match(first.page_data[0].id, /^[0-9a-f]{32}$/);
    assert.equal(first.page_data[0].domain_id, CUSTOMER_ACCOUNT.domainId);
    assert.equal(second.page_data[0].id, first.page_data[0].id);
  });

  test('limit out of range is 400', async () => {
    const response = await list(DEMO_ACCOUNT.projectId, harness.token, '?limit=0');

    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error_code, 'DataArtsInsight.24010001');
    assert.match(response.json().error_msg, /query parameter "limit" must be at least 1/);
  });

  const create = (body: unknown) =>
    harness.app.inject({
      method: 'POST',
      url: `/v1/${DEMO_ACCOUNT.projectId}/workspaces`,
      headers: { 'x-auth-token': harness.token, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  test('create adds a workspace', async () => {
    const response = await create({ name: 'analytics', description: 'BI team' });

    assert.equal(response.statusCode, 200);
    const created = response.json();
    assert.match(created.id, /^[0-9a-f]{32}$/);
    assert.equal(created.is_default, 0);
    const listed = (await list(DEMO_ACCOUNT.projectId, harness.token, '?name=ANALYT')).json();
    assert.deepEqual(
      listed.page_data.map((workspace: { id: string }) => workspace.id),
      [created.id],
    );
  });

  test('create with a taken name is 400', async () => {
    await create({ name: 'finance' });
    const response = await create({ name: 'finance' });

    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error_code, 'DataArtsInsight.24150001');
    assert.match(response.json().error_msg, /already has a workspace named "finance"/);
  });

  test('create with an invalid name is 400', async () => {
    const response = await create({ name: 'has space' });

    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error_code, 'DataArtsInsight.24150000');
  });

  test('another workspace hides connections', async () => {
    const other = (await create({ name: 'other' })).json();
    const record = (
      await postConnection(
        harness,
        { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id },
        {
          'x-workspace-id': other.id,
        },
      )
    ).json();
    const response = await callApi(harness, 'GET', `/connections/vpc-endpoint/${record.id}`);

    assert.equal(response.statusCode, 404);
  });

  test('missing token is 401', async () => {
    const response = await list(DEMO_ACCOUNT.projectId, undefined);

    assert.equal(response.statusCode, 401);
  });
});
