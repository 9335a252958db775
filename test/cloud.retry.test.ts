/**
 * Retries of the cloud transport, against the simulator's fault plan and bare `node:http` servers on
 * loopback: what is retried for which method, how many calls reach the server, the delays handed to the
 * injected sleep, and the warn log of each retry. No test waits for a real backoff.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudError } from '../src/cloud/errors.ts';
import { CloudTransport } from '../src/cloud/http.ts';
import { parseRetryAfter, type RetryOptions } from '../src/cloud/retry.ts';
import { parseAuthorization, verifyRequest } from '../src/cloud/signer.ts';
import { HttpVpcepClient } from '../src/cloud/vpcep.ts';
import {
  DEMO_SERVICES,
  PLATFORM_ACCESS_KEY,
  PLATFORM_ACCOUNT,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
} from '../src/simulator/demo.ts';
import { type RunningSimulator, startSimulator } from '../src/simulator/index.ts';

const SHORT_TIMEOUTS = { connectTimeout: 1000, headersTimeout: 200, bodyTimeout: 200 };
const ENDPOINT_BODY = {
  id: 'e1',
  status: 'accepted',
  endpoint_service_id: 's1',
  endpoint_service_name: 'cn-north-4.demo.s1',
  vpc_id: 'v1',
};
const CREATE_INPUT = {
  endpointServiceId: DEMO_SERVICES.auto.id,
  vpcId: PLATFORM_VPC_ID,
  subnetId: PLATFORM_SUBNET_ID,
  tags: [],
};

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function simulator(): Promise<RunningSimulator> {
  const started = await startSimulator({ port: 0, endpointSettleDelayMs: 20 });
  cleanups.push(() => started.close());
  return started;
}

/** Retry options whose sleep records each delay instead of waiting. */
function recordedRetry(options: RetryOptions = {}): { retry: RetryOptions; delays: number[] } {
  const delays: number[] = [];
  const retry = {
    random: () => 0.5,
    ...options,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
  return { retry, delays };
}

function vpcepClient(endpoint: string, retry: RetryOptions, logger?: RecordingLogger): HttpVpcepClient {
  const client = new HttpVpcepClient({
    endpoint,
    projectId: PLATFORM_ACCOUNT.projectId,
    accessKey: PLATFORM_ACCESS_KEY,
    timeouts: SHORT_TIMEOUTS,
    retry,
    logger,
  });
  cleanups.push(() => client.close());
  return client;
}

interface RecordingLogger {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
  warnings: object[];
}

function recordingLogger(): RecordingLogger {
  const warnings: object[] = [];
  return { debug: () => {}, warn: (details) => warnings.push(details), warnings };
}

interface Received {
  method: string;
  rawUrl: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Starts a loopback server that records each request and passes its call number, from 1, to `handler`. */
async function countingServer(
  handler: (call: number, response: ServerResponse) => void,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { method = '', url: rawUrl = '', headers } = request;
      received.push({ method, rawUrl, headers, body: Buffer.concat(chunks) });
      handler(received.length, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function cloudError(promise: Promise<unknown>): Promise<CloudError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CloudError, `expected CloudError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('throttling', () => {
  test('throttled GET succeeds third time', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({ operations: ['ListQuotaDetails'], throttle: true, times: 2 });
    const { retry, delays } = recordedRetry();

    const quota = await vpcepClient(sim.url, retry).getEndpointQuota();

    assert.equal(typeof quota.quota, 'number');
    assert.equal(handle.hits, 2);
    assert.equal(delays.length, 2);
  });

  test('throttled POST creates one endpoint', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({ operations: ['CreateEndpoint'], throttle: true, times: 1 });
    const { retry } = recordedRetry();

    const endpoint = await vpcepClient(sim.url, retry).createEndpoint(CREATE_INPUT);

    assert.equal(handle.hits, 1);
    assert.deepEqual(
      sim.state.endpointsOfProject(PLATFORM_ACCOUNT.projectId).map((created) => created.id),
      [endpoint.id],
    );
  });

  test('EndPoint.0022 with 400 is retried', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({
      operations: ['CreateEndpoint'],
      status: 400,
      code: 'EndPoint.0022',
      times: 1,
    });
    const { retry } = recordedRetry();

    await vpcepClient(sim.url, retry).createEndpoint(CREATE_INPUT);

    assert.equal(handle.hits, 1);
    assert.equal(sim.state.endpointsOfProject(PLATFORM_ACCOUNT.projectId).length, 1);
  });

  test('APIGW.0308 is retried', async () => {
    const upstream = await countingServer((call, response) => {
      if (call === 1) sendJson(response, 429, { error_code: 'APIGW.0308', error_msg: 'throttled' });
      else sendJson(response, 200, ENDPOINT_BODY);
    });
    const { retry } = recordedRetry();

    const endpoint = await vpcepClient(upstream.url, retry).getEndpoint('e1');

    assert.equal(endpoint.id, 'e1');
    assert.equal(upstream.received.length, 2);
  });

  test('retries disabled with maxAttempts 1', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({ throttle: true });
    const { retry, delays } = recordedRetry({ maxAttempts: 1 });

    const error = await cloudError(vpcepClient(sim.url, retry).getEndpointQuota());

    assert.equal(error.httpStatus, 429);
    assert.equal(error.code, 'EndPoint.0022');
    assert.equal(handle.hits, 1);
    assert.equal(delays.length, 0);
    assert.doesNotMatch(error.message, /attempts/);
  });
});

describe('server errors and timeouts', () => {
  test('503 on POST not retried', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({ operations: ['CreateEndpoint'], status: 503 });
    const { retry, delays } = recordedRetry();

    const error = await cloudError(vpcepClient(sim.url, retry).createEndpoint(CREATE_INPUT));

    assert.equal(error.httpStatus, 503);
    assert.equal(handle.hits, 1);
    assert.equal(delays.length, 0);
  });

  test('503 on GET exhausts attempts', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({ operations: ['ListQuotaDetails'], status: 503 });
    const { retry, delays } = recordedRetry({ maxAttempts: 3 });

    const error = await cloudError(vpcepClient(sim.url, retry).getEndpointQuota());

    assert.equal(error.kind, 'http');
    assert.equal(error.httpStatus, 503);
    assert.equal(error.code, 'EndPoint.0001');
    assert.match(error.message, /HTTP 503 .* \(after 3 attempts\)$/);
    assert.equal(handle.hits, 3);
    assert.equal(delays.length, 2);
  });

  test('503 on DELETE is retried', async () => {
    const sim = await simulator();
    const { retry } = recordedRetry();
    const client = vpcepClient(sim.url, retry);
    const endpoint = await client.createEndpoint(CREATE_INPUT);
    const handle = sim.faults.add({ operations: ['DeleteEndpoint'], status: 503, times: 1 });

    await client.deleteEndpoint(endpoint.id);

    assert.equal(handle.hits, 1);
    const remaining = sim.state.endpoints.get(endpoint.id);
    assert.ok(remaining === undefined || remaining.status === 'deleting', 'the endpoint is deleted');
  });

  test('400 is not retried', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({ operations: ['ListQuotaDetails'], status: 400 });
    const { retry } = recordedRetry();

    const error = await cloudError(vpcepClient(sim.url, retry).getEndpointQuota());

    assert.equal(error.httpStatus, 400);
    assert.equal(handle.hits, 1);
  });

  test('timeout on GET is retried', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({ operations: ['ListQuotaDetails'], hang: true, times: 1 });
    const { retry, delays } = recordedRetry();

    const quota = await vpcepClient(sim.url, retry).getEndpointQuota();

    assert.equal(typeof quota.quota, 'number');
    assert.equal(handle.hits, 1);
    assert.equal(delays.length, 1);
  });

  test('timeout on POST is not retried', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({ operations: ['CreateEndpoint'], hang: true });
    const { retry } = recordedRetry();

    const error = await cloudError(vpcepClient(sim.url, retry).createEndpoint(CREATE_INPUT));

    assert.equal(error.kind, 'timeout');
    assert.equal(handle.hits, 1);
  });

  test('dropped GET response is retried', async () => {
    const sim = await simulator();
    const handle = sim.faults.add({ operations: ['ListQuotaDetails'], dropResponse: true, times: 2 });
    const { retry } = recordedRetry();

    await vpcepClient(sim.url, retry).getEndpointQuota();

    assert.equal(handle.hits, 2);
  });
});

describe('delays', () => {
  test('backoff sequence with fixed random', async () => {
    const sim = await simulator();
    sim.faults.add({ status: 500 });
    const { retry, delays } = recordedRetry({ maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 500 });

    await cloudError(vpcepClient(sim.url, retry).getEndpointQuota());

    // random() is 0.5, so each delay is half of min(500, 100 * 2^(n-1)).
    assert.deepEqual(delays, [50, 100, 200, 250, 250]);
  });

  test('Retry-After is honoured', async () => {
    const upstream = await countingServer((call, response) => {
      if (call === 1) sendJson(response, 429, {}, { 'retry-after': '2' });
      else sendJson(response, 200, ENDPOINT_BODY);
    });
    const { retry, delays } = recordedRetry();

    await vpcepClient(upstream.url, retry).getEndpoint('e1');

    assert.deepEqual(delays, [2000]);
  });

  test('Retry-After capped at maxDelayMs', async () => {
    const upstream = await countingServer((call, response) => {
      if (call === 1) sendJson(response, 503, {}, { 'retry-after': '120' });
      else sendJson(response, 200, ENDPOINT_BODY);
    });
    const { retry, delays } = recordedRetry({ maxDelayMs: 1500 });

    await vpcepClient(upstream.url, retry).getEndpoint('e1');

    assert.deepEqual(delays, [1500]);
  });

  test('Retry-After date ignored', () => {
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT'), undefined);
    assert.equal(parseRetryAfter(' 3 '), 3000);
    assert.equal(parseRetryAfter('-1'), undefined);
  });

  test('invalid options rejected', () => {
    for (const retry of [
      { maxAttempts: 0 },
      { maxAttempts: 1.5 },
      { baseDelayMs: -1 },
      { maxDelayMs: Number.NaN },
    ]) {
      assert.throws(
        () => new CloudTransport({ service: 'vpcep', endpoint: 'http://127.0.0.1:9', retry }),
        RangeError,
        JSON.stringify(retry),
      );
    }
  });
});

describe('each attempt', () => {
  test('is signed afresh', async () => {
    const upstream = await countingServer((call, response) => {
      if (call === 1) sendJson(response, 429, {});
      else sendJson(response, 200, ENDPOINT_BODY);
    });
    // X-Sdk-Date has one-second resolution, so this one test really waits for the next second.
    const client = vpcepClient(upstream.url, { sleep: () => sleep(1100) });

    await client.getEndpoint('e1');

    const [first, second] = upstream.received;
    const secretFor = (id: string) =>
      id === PLATFORM_ACCESS_KEY.accessKeyId ? PLATFORM_ACCESS_KEY.secretAccessKey : undefined;
    assert.equal(verifyRequest(first, secretFor).ok, true);
    assert.equal(verifyRequest(second, secretFor).ok, true);
    assert.notEqual(first.headers['x-sdk-date'], second.headers['x-sdk-date']);
  });

  test('retry logged at warn without secrets', async () => {
    const upstream = await countingServer((call, response) => {
      if (call === 1) sendJson(response, 429, { error_code: 'APIGW.0308', error_msg: 'throttled' });
      else sendJson(response, 200, ENDPOINT_BODY);
    });
    const logger = recordingLogger();
    const { retry } = recordedRetry({ random: () => 0.25 });

    await vpcepClient(upstream.url, retry, logger).getEndpoint('e1');

    const signature = parseAuthorization(String(upstream.received[0].headers.authorization))?.signature ?? '';
    const text = JSON.stringify(logger.warnings);
    assert.deepEqual(logger.warnings, [
      {
        upstream: 'vpcep',
        operation: 'getEndpoint',
        method: 'GET',
        attempt: 1,
        maxAttempts: 4,
        reason: 'throttled',
        status: 429,
        code: 'APIGW.0308',
        requestId: undefined,
        delayMs: 50,
      },
    ]);
    assert.ok(signature !== '', 'request was not signed');
    assert.ok(!text.includes(signature), 'log contains the signature');
    assert.ok(!text.includes(PLATFORM_ACCESS_KEY.accessKeyId), 'log contains the access key id');
    assert.ok(!text.includes(PLATFORM_ACCESS_KEY.secretAccessKey), 'log contains the secret key');
  });
});
