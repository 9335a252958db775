import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { DEMO_ACCOUNT, DEMO_SERVICES, PLATFORM_ACCESS_KEY } from '../src/simulator/demo.ts';
import { callApi, type Harness, postConnection, startHarness } from './support/harness.ts';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const WARN = 40;
const ERROR = 50;

describe('service log', () => {
  let harness: Harness;
  let text = '';
  let lines: LogLine[] = [];
  let failedRequestId: string;

  before(async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    });
    // No redaction configured, so the test shows that the service never hands a secret to the logger.
    harness = await startHarness({ logger: pino({ level: 'debug' }, stream) });

    assert.equal((await callApi(harness, 'GET', '/workspaces')).statusCode, 200);
    const created = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_id: DEMO_SERVICES.auto.id,
    });
    assert.equal(created.statusCode, 200);
    assert.equal(
      (await callApi(harness, 'GET', `/connections/vpc-endpoint/${created.json().id}`)).statusCode,
      200,
    );
    const badToken = await callApi(harness, 'GET', '/connections/vpc-endpoint', {
      'x-auth-token': `${harness.token}x`,
    });
    assert.equal(badToken.statusCode, 401);

    harness.simulator.faults.add({ operations: ['CreateEndpoint'], status: 500, times: 1 });
    const failed = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_id: DEMO_SERVICES.approval.id,
    });
    assert.equal(failed.statusCode, 502);
    failedRequestId = failed.headers['x-request-id'] as string;

    for (const url of ['/healthz', '/readyz', '/metrics']) {
      assert.equal((await harness.app.inject({ method: 'GET', url })).statusCode, 200);
    }
    await harness.store.db.updateTable('connections').set({ next_check_at: 1 }).execute();
    await harness.syncOnce();

    text = chunks.join('');
    lines = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);
  });
  after(() => harness?.close());

  function requestLine(fields: Record<string, unknown>): LogLine | undefined {
    return lines.find(
      (line) =>
        line.msg === 'request completed' &&
        Object.entries(fields).every(([key, value]) => line[key] === value),
    );
  }

  test('never contains a secret', () => {
    assert.ok(!text.includes(harness.token), 'the X-Auth-Token is logged');
    assert.ok(!text.includes(PLATFORM_ACCESS_KEY.accessKeyId), 'the AK is logged');
    assert.ok(!text.includes(PLATFORM_ACCESS_KEY.secretAccessKey), 'the SK is logged');
    assert.ok(!text.includes(DEMO_ACCOUNT.password), 'the demo password is logged');
    assert.doesNotMatch(text, /SDK-HMAC-SHA256|Signature=/, 'an Authorization header is logged');
  });

  test('logs the create with its ids', () => {
    const line = requestLine({ operation: 'VerifyAndCreateVpcEp', status: 200 });
    assert.ok(line, 'no request line for the create');
    assert.equal(line.projectId, harness.projectId);
    assert.equal(line.workspaceId, harness.workspaceId);
    assert.equal(line.method, 'POST');
    assert.equal(typeof line.reqId, 'string');
    assert.equal(typeof line.durationMs, 'number');
  });

  test('logs the workspace list by project', () => {
    const line = requestLine({ operation: 'ListWorkspaces', status: 200 });
    assert.equal(line?.projectId, harness.projectId);
  });

  test('logs a bad token at warn', () => {
    assert.equal(requestLine({ status: 401 })?.level, WARN);
  });

  test('logs a 502 at error', () => {
    const line = requestLine({ status: 502 });
    assert.equal(line?.level, ERROR);
    assert.equal(line?.reqId, failedRequestId);
  });

  test('logs the upstream failure once', () => {
    const failures = lines.filter((line) => line.msg === 'upstream call failed' && line.upstream === 'vpcep');
    assert.equal(failures.length, 1);
    const [failure] = failures;
    assert.equal(failure?.level, WARN);
    assert.equal(failure?.operation, 'createEndpoint');
    assert.equal(failure?.outcome, 'http_5xx');
    assert.equal(failure?.status, 500);
    assert.equal(failure?.code, 'EndPoint.0001');
    assert.equal(failure?.reqId, failedRequestId);
  });

  test('leaves out probes and scrapes', () => {
    for (const operation of ['Health', 'Readiness', 'Metrics']) {
      assert.equal(requestLine({ operation }), undefined, `${operation} is logged`);
    }
  });
});
