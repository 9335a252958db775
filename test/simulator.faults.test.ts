/**
 * The simulator's fault plan against a running simulator: each rule kind, rule order and limits, the 404
 * reads of new endpoints, and the HTTP control API. Requests are signed as the platform's.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { signRequest } from '../src/cloud/signer.ts';
import {
  DEMO_ACCOUNT,
  DEMO_SERVICES,
  PLATFORM_ACCESS_KEY,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
} from '../src/simulator/demo.ts';
import { type FaultHandle, parseFaultRule, type RunningSimulator } from '../src/simulator/index.ts';
import {
  buildUrl,
  passwordAuth,
  platformPath,
  readResponse,
  send,
  sendSigned,
  startTestSimulator,
} from './support/simulator.ts';

const QUOTAS = platformPath('quotas');

function createEndpoint(simulator: RunningSimulator) {
  return sendSigned(simulator, 'POST', platformPath('vpc-endpoints'), {
    body: {
      endpoint_service_id: DEMO_SERVICES.auto.id,
      vpc_id: PLATFORM_VPC_ID,
      subnet_id: PLATFORM_SUBNET_ID,
    },
  });
}

function listEndpoints(simulator: RunningSimulator) {
  return sendSigned(simulator, 'GET', platformPath('vpc-endpoints'));
}

/** Sends a signed GET with a client-side headers timeout. */
async function getWithTimeout(simulator: RunningSimulator, path: string, headersTimeout: number) {
  const url = buildUrl(simulator, path);
  const headers = signRequest({ method: 'GET', url, headers: {} }, PLATFORM_ACCESS_KEY);
  return readResponse(await request(url, { method: 'GET', headers, headersTimeout }));
}

/** Resolves to the error code that a failed request rejects with. */
async function failureCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  assert.fail('expected the request to fail');
}

/** Waits until the rule has applied to `count` calls. Gives up after 500 checks. */
async function waitForHits(handle: FaultHandle, count: number): Promise<void> {
  for (let check = 0; check < 500; check += 1) {
    if (handle.hits >= count) return;
    await sleep(5);
  }
  throw new Error(`fault ${handle.id} has ${handle.hits} hits, expected ${count}`);
}

describe('fault rules', () => {
  test('latency still responds', async (t) => {
    const simulator = await startTestSimulator(t);
    const handle = simulator.faults.add({ operations: ['ListQuotaDetails'], latencyMs: 30 });

    const response = await sendSigned(simulator, 'GET', QUOTAS);

    assert.equal(response.status, 200);
    assert.equal(handle.hits, 1);
  });

  test('status returns error body', async (t) => {
    const simulator = await startTestSimulator(t);
    simulator.faults.add({ status: 500, code: 'EndPoint.0001', message: 'Injected failure.' });

    const response = await sendSigned(simulator, 'GET', QUOTAS);

    assert.equal(response.status, 500);
    assert.equal(response.body.error.code, 'EndPoint.0001');
    assert.equal(response.body.error.message, 'Injected failure.');
  });

  test('status uses flat shape', async (t) => {
    const simulator = await startTestSimulator(t, { errorShape: 'flat' });
    simulator.faults.add({ status: 503 });

    const response = await sendSigned(simulator, 'GET', QUOTAS);

    assert.equal(response.status, 503);
    assert.equal(response.body.error_code, 'EndPoint.0001');
    assert.equal(response.body.error_msg, 'System error. Please retry.');
  });

  test('throttle returns 429 EndPoint.0022', async (t) => {
    const simulator = await startTestSimulator(t);
    simulator.faults.add({ throttle: true });

    const response = await sendSigned(simulator, 'GET', QUOTAS);

    assert.equal(response.status, 429);
    assert.equal(response.body.error.code, 'EndPoint.0022');
    assert.equal(response.body.error.message, 'The number of requests exceeded the limit. Please try later.');
  });

  test('IAM throttle is APIGW.0308', async (t) => {
    const simulator = await startTestSimulator(t);
    simulator.faults.add({ operations: ['KeystoneCreateUserTokenByPassword'], throttle: true });

    const response = await send(simulator, 'POST', '/v3/auth/tokens', { body: passwordAuth(DEMO_ACCOUNT) });

    assert.equal(response.status, 429);
    assert.equal(response.body.error_code, 'APIGW.0308');
  });

  test('dropResponse keeps created endpoint', async (t) => {
    const simulator = await startTestSimulator(t);
    const handle = simulator.faults.add({ operations: ['CreateEndpoint'], dropResponse: true });

    const code = await failureCode(createEndpoint(simulator));
    const listed = await listEndpoints(simulator);

    assert.equal(code, 'UND_ERR_SOCKET');
    assert.equal(handle.hits, 1);
    assert.equal(listed.body.total_count, 1);
    assert.equal(listed.body.endpoints[0].endpoint_service_id, DEMO_SERVICES.auto.id);
  });

  test('hang times out client', async (t) => {
    const simulator = await startTestSimulator(t);
    simulator.faults.add({ operations: ['ListQuotaDetails'], hang: true });

    const code = await failureCode(getWithTimeout(simulator, QUOTAS, 100));

    assert.equal(code, 'UND_ERR_HEADERS_TIMEOUT');
  });

  test('hang does not block close', async (t) => {
    const simulator = await startTestSimulator(t);
    const handle = simulator.faults.add({ hang: true });

    const pending = failureCode(getWithTimeout(simulator, QUOTAS, 60_000));
    await waitForHits(handle, 1);
    await simulator.close();

    assert.equal(await pending, 'UND_ERR_SOCKET');
  });

  test('latency does not block close', async (t) => {
    const simulator = await startTestSimulator(t);
    const handle = simulator.faults.add({ latencyMs: 60_000 });

    const pending = failureCode(getWithTimeout(simulator, QUOTAS, 120_000));
    await waitForHits(handle, 1);
    await simulator.close();

    assert.equal(await pending, 'UND_ERR_SOCKET');
  });
});

describe('fault matching', () => {
  test('times=1 applies once', async (t) => {
    const simulator = await startTestSimulator(t);
    const handle = simulator.faults.add({ status: 503, times: 1 });

    const first = await sendSigned(simulator, 'GET', QUOTAS);
    const second = await sendSigned(simulator, 'GET', QUOTAS);

    assert.equal(first.status, 503);
    assert.equal(second.status, 200);
    assert.equal(handle.hits, 1);
  });

  test('operations filter', async (t) => {
    const simulator = await startTestSimulator(t);
    const handle = simulator.faults.add({ operations: ['CreateEndpoint'], status: 500 });

    const quotas = await sendSigned(simulator, 'GET', QUOTAS);
    const created = await createEndpoint(simulator);

    assert.equal(quotas.status, 200);
    assert.equal(created.status, 500);
    assert.equal(handle.hits, 1);
  });

  test('first matching rule applies', async (t) => {
    const simulator = await startTestSimulator(t);
    const first = simulator.faults.add({ status: 502, times: 1 });
    const second = simulator.faults.add({ status: 504 });

    const statuses = [];
    for (let call = 0; call < 3; call += 1)
      statuses.push((await sendSigned(simulator, 'GET', QUOTAS)).status);

    assert.deepEqual(statuses, [502, 504, 504]);
    assert.equal(first.hits, 1);
    assert.equal(second.hits, 2);
  });

  test('remove stops rule', async (t) => {
    const simulator = await startTestSimulator(t);
    const handle = simulator.faults.add({ status: 500 });

    handle.remove();
    const response = await sendSigned(simulator, 'GET', QUOTAS);

    assert.equal(response.status, 200);
    assert.equal(simulator.faults.list().length, 0);
  });

  test('clear removes everything', async (t) => {
    const simulator = await startTestSimulator(t);
    simulator.faults.add({ status: 500 });
    simulator.faults.notFoundReadsForNewEndpoints(1);

    simulator.faults.clear();
    const created = await createEndpoint(simulator);
    const read = await sendSigned(simulator, 'GET', platformPath(`vpc-endpoints/${created.body.id}`));

    assert.equal(created.status, 200);
    assert.equal(read.status, 200);
    assert.equal(simulator.faults.list().length, 0);
  });

  test('new endpoint reads 404 twice', async (t) => {
    const simulator = await startTestSimulator(t);
    simulator.faults.notFoundReadsForNewEndpoints(2);

    const created = await createEndpoint(simulator);
    const path = platformPath(`vpc-endpoints/${created.body.id}`);
    const reads = [];
    for (let read = 0; read < 3; read += 1) reads.push(await sendSigned(simulator, 'GET', path));

    assert.deepEqual(
      reads.map((read) => read.status),
      [404, 404, 200],
    );
    assert.equal(reads[0].body.error.code, 'EndPoint.0005');
    assert.equal(reads[2].body.id, created.body.id);
  });

  test('existing endpoints read normally', async (t) => {
    const simulator = await startTestSimulator(t);
    const created = await createEndpoint(simulator);

    simulator.faults.notFoundReadsForNewEndpoints(2);
    const read = await sendSigned(simulator, 'GET', platformPath(`vpc-endpoints/${created.body.id}`));

    assert.equal(read.status, 200);
  });

  test('invalid rules rejected', () => {
    const invalid: unknown[] = [
      {},
      { operations: [], status: 500 },
      { times: 0, status: 500 },
      { latencyMs: -1 },
      { status: 200 },
      { status: 500, throttle: true },
      { code: 'EndPoint.0001' },
      { hang: 'yes' },
      { delay: 5 },
      [],
    ];
    for (const rule of invalid) {
      assert.throws(() => parseFaultRule(rule), RangeError, JSON.stringify(rule));
    }
  });
});

describe('fault control API', () => {
  test('add, list and clear', async (t) => {
    const simulator = await startTestSimulator(t);

    const added = await send(simulator, 'POST', '/_simulator/faults', {
      body: { operations: ['ListQuotaDetails'], status: 503, times: 2 },
    });
    const faulted = await sendSigned(simulator, 'GET', QUOTAS);
    const listed = await send(simulator, 'GET', '/_simulator/faults');
    const cleared = await send(simulator, 'DELETE', '/_simulator/faults');
    const afterClear = await sendSigned(simulator, 'GET', QUOTAS);
    const listedAfterClear = await send(simulator, 'GET', '/_simulator/faults');

    assert.equal(added.status, 201);
    assert.equal(typeof added.body.id, 'string');
    assert.equal(faulted.status, 503);
    assert.deepEqual(listed.body.rules, [
      { id: added.body.id, rule: { operations: ['ListQuotaDetails'], status: 503, times: 2 }, hits: 1 },
    ]);
    assert.equal(cleared.status, 204);
    assert.equal(afterClear.status, 200);
    assert.deepEqual(listedAfterClear.body.rules, []);
  });

  test('delete one rule', async (t) => {
    const simulator = await startTestSimulator(t);
    const added = await send(simulator, 'POST', '/_simulator/faults', { body: { status: 500 } });

    const deleted = await send(simulator, 'DELETE', `/_simulator/faults/${added.body.id}`);
    const again = await send(simulator, 'DELETE', `/_simulator/faults/${added.body.id}`);

    assert.equal(deleted.status, 204);
    assert.equal(again.status, 404);
  });

  test('invalid rule is 400', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await send(simulator, 'POST', '/_simulator/faults', { body: { times: 'twice' } });

    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'EndPoint.0002');
    assert.match(response.body.error.message, /times must be a positive integer/);
  });

  test('not-found reads over HTTP', async (t) => {
    const simulator = await startTestSimulator(t);

    const set = await send(simulator, 'PUT', '/_simulator/faults/not-found-reads', { body: { count: 1 } });
    const created = await createEndpoint(simulator);
    const read = await sendSigned(simulator, 'GET', platformPath(`vpc-endpoints/${created.body.id}`));
    const listed = await send(simulator, 'GET', '/_simulator/faults');

    assert.equal(set.status, 204);
    assert.equal(read.status, 404);
    assert.equal(listed.body.notFoundReadsForNewEndpoints, 1);
  });
});
