import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CUSTOMER_ACCOUNT, DEMO_SERVICES, PLATFORM_ACCOUNT, serviceName } from '../src/simulator/demo.ts';
import { type Harness, postConnection, startHarness } from './support/harness.ts';

const AUTO_NAME = serviceName(DEMO_SERVICES.auto);

function assertError(
  response: {
    statusCode: number;
    json(): { error_code: string; error_msg: string };
    headers: Record<string, unknown>;
  },
  status: number,
  code: string,
  messagePattern: RegExp,
) {
  assert.equal(response.statusCode, status);
  const body = response.json();
  assert.equal(body.error_code, `DataArtsInsight.${code}`);
  assert.match(body.error_msg, messagePattern);
  assert.ok(response.headers['x-request-id'], 'X-Request-Id header is set');
}

describe('authentication and scope errors', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test('missing token is 401', async () => {
    const response = await postConnection(
      harness,
      { ds_type: 'DWS', vpc_ep_server_name: AUTO_NAME },
      {
        'x-auth-token': undefined,
      },
    );
    assertError(response, 401, '20010001', /X-Auth-Token header is missing/);
  });

  test('invalid token is 401', async () => {
    const response = await postConnection(
      harness,
      { ds_type: 'DWS', vpc_ep_server_name: AUTO_NAME },
      {
        'x-auth-token': 'MIInot-a-real-token',
      },
    );
    assertError(response, 401, '20010002', /invalid or has expired/);
  });

  test('token of another project is 403', async () => {
    const customerToken = await harness.tokenFor(CUSTOMER_ACCOUNT);
    const response = await postConnection(
      harness,
      { ds_type: 'DWS', vpc_ep_server_name: AUTO_NAME },
      {
        'x-auth-token': customerToken,
      },
    );
    assertError(response, 403, '20010003', new RegExp(`scoped to project ${CUSTOMER_ACCOUNT.projectId}`));
    assert.match(response.json().error_msg, new RegExp(`path names project ${harness.projectId}`));
  });

  test('path project differing from token is 403', async () => {
    const response = await postConnection(
      harness,
      { ds_type: 'DWS', vpc_ep_server_name: AUTO_NAME },
      {},
      'other-project',
    );
    assertError(response, 403, '20010003', /path names project other-project/);
  });

  test('missing workspace header is 400', async () => {
    const response = await postConnection(
      harness,
      { ds_type: 'DWS', vpc_ep_server_name: AUTO_NAME },
      {
        'x-workspace-id': undefined,
      },
    );
    assertError(response, 400, '24010002', /X-Workspace-Id header is missing/);
    assert.match(response.json().error_msg, /GET \/v1\/.+\/workspaces/);
  });

  test('unknown workspace is 400', async () => {
    const response = await postConnection(
      harness,
      { ds_type: 'DWS', vpc_ep_server_name: AUTO_NAME },
      {
        'x-workspace-id': 'no-such-workspace',
      },
    );
    assertError(response, 400, '24150005', /Workspace "no-such-workspace" does not exist/);
  });
});

describe('request body errors', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test('missing ds_type names the field', async () => {
    const response = await postConnection(harness, { vpc_ep_server_name: AUTO_NAME });
    assertError(response, 400, '24010001', /"ds_type" is required/);
  });

  test('unknown ds_type lists allowed values', async () => {
    const response = await postConnection(harness, { ds_type: 'Oracle', vpc_ep_server_name: AUTO_NAME });
    assertError(response, 400, '24010001', /ds_type "Oracle" is not supported/);
    assert.match(
      response.json().error_msg,
      /MySQL, DWS, PostgreSQL, OpenGauss, Doris, HIVE, ClickHouse, API/,
    );
  });

  test('ds_type of wrong type names the field', async () => {
    const response = await postConnection(harness, { ds_type: 5, vpc_ep_server_name: AUTO_NAME });
    assertError(response, 400, '24010001', /"ds_type" must be a string/);
  });

  test('unknown field is named', async () => {
    const response = await postConnection(harness, { ds_type: 'DWS', vpc_ep_service_name: AUTO_NAME });
    assertError(response, 400, '24010001', /unknown body field "vpc_ep_service_name"/);
    assert.match(response.json().error_msg, /the fields are ds_type, vpc_ep_server_name, vpc_ep_server_id/);
  });

  test('over-long name names the limit only', async () => {
    const response = await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_name: 'x'.repeat(200) });
    assertError(response, 400, '24010001', /"vpc_ep_server_name" must be at most 128 characters/);
    assert.doesNotMatch(response.json().error_msg, /must be null/);
  });

  test('missing body is 400', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: `/v1/${harness.projectId}/connections/vpc-endpoint`,
      headers: { 'x-auth-token': harness.token, 'x-workspace-id': harness.workspaceId },
    });
    assertError(response, 400, '24010001', /request body is missing/);
  });

  test('text/plain body is 415', async () => {
    const response = await postConnection(
      harness,
      JSON.stringify({ ds_type: 'DWS', vpc_ep_server_name: AUTO_NAME }),
      {
        'content-type': 'text/plain',
      },
    );
    assertError(response, 415, '24010005', /Content-Type "text\/plain"/);
  });

  test('body over 64 KiB is 413', async () => {
    const response = await postConnection(harness, { ds_type: 'DWS', padding: 'x'.repeat(70 * 1024) });
    assertError(response, 413, '24010004', /larger than 64 KiB/);
  });

  test('malformed JSON is 400', async () => {
    const response = await postConnection(harness, '{"ds_type": ');
    assertError(response, 400, '24010001', /not valid JSON/);
  });

  test('array body is 400', async () => {
    const response = await postConnection(harness, '[]');
    assertError(response, 400, '24010001', /must be an object/);
  });

  test('neither name nor id is 400', async () => {
    const response = await postConnection(harness, { ds_type: 'DWS' });
    assertError(response, 400, '24010010', /vpc_ep_server_name .* or vpc_ep_server_id/);
  });

  test('name and id of different services is 400', async () => {
    const response = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_name: AUTO_NAME,
      vpc_ep_server_id: DEMO_SERVICES.approval.id,
    });
    assertError(
      response,
      400,
      '24010011',
      new RegExp(`is the endpoint service "${serviceName(DEMO_SERVICES.approval)}"`),
    );
  });

  test('unknown name is 404 looked up by name', async () => {
    const response = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_name: 'cn-north-4.nothing.here',
    });
    assertError(response, 404, '24010012', /vpc_ep_server_name "cn-north-4.nothing.here".*looked up by name/);
  });

  test('unknown id is 404 looked up by id', async () => {
    const response = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_id: '00000000-0000-4000-8000-000000000000',
    });
    assertError(response, 404, '24010012', /looked up by id/);
  });

  test('name from another region is 400', async () => {
    const response = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_name: `cn-south-1.demo-auto.${DEMO_SERVICES.auto.id}`,
    });
    assertError(response, 400, '24010013', /region "cn-south-1".*"cn-north-4"/);
  });

  test('name without region part is 400', async () => {
    const response = await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_name: 'demo-auto' });
    assertError(response, 400, '24010001', /not a full endpoint service name/);
  });
});

describe('endpoint creation errors', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test('service without the platform in its whitelist is 403', async () => {
    const response = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_name: serviceName(DEMO_SERVICES.private),
    });
    assertError(response, 403, '24010015', new RegExp(`iam:domain::${PLATFORM_ACCOUNT.domainId}`));
  });

  test('whitelist failure stores nothing', async () => {
    await postConnection(harness, { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.private.id });
    const rows = await harness.store.db
      .selectFrom('connections')
      .selectAll()
      .where('vpc_ep_server_id', '=', DEMO_SERVICES.private.id)
      .execute();

    assert.equal(rows.length, 0);
  });
});
