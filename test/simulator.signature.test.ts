import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import querystring from 'node:querystring';
import { describe, test } from 'node:test';
import { request } from 'undici';
import { type AccessKey, signRequest } from '../src/cloud/signer.ts';
import {
  DEMO_SERVICES,
  PLATFORM_ACCESS_KEY,
  PLATFORM_ACCOUNT,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
  serviceName,
} from '../src/simulator/demo.ts';
import type { RunningSimulator } from '../src/simulator/index.ts';
import {
  buildUrl,
  platformPath,
  type Response,
  readResponse,
  startTestSimulator,
} from './support/simulator.ts';

interface SdkRequest {
  endpoint: string;
  method: string;
  queryParams: Record<string, string>;
  headers: Record<string, string>;
  data: unknown;
}

const { AKSKSigner } = createRequire(import.meta.url)(
  '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner',
) as {
  AKSKSigner: { sign(request: SdkRequest, credential: unknown): Record<string, string> };
};

const platformCredential = {
  getAk: () => PLATFORM_ACCESS_KEY.accessKeyId,
  getSk: () => PLATFORM_ACCESS_KEY.secretAccessKey,
};

/** Signs with Huawei's own signer and sends the request the way its HTTP client does. */
async function sendWithSdkSigner(
  simulator: RunningSimulator,
  method: string,
  path: string,
  options: { query?: Record<string, string>; body?: unknown } = {},
): Promise<Response> {
  const endpoint = `${simulator.url}${path}`;
  const headers = AKSKSigner.sign(
    {
      endpoint,
      method,
      queryParams: options.query ?? {},
      headers: { 'Content-Type': 'application/json', 'X-Project-Id': PLATFORM_ACCOUNT.projectId },
      data: options.body,
    },
    platformCredential,
  );

  const search = options.query ? `?${querystring.stringify(options.query)}` : '';
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return readResponse(await request(`${endpoint}${search}`, { method: method as 'GET', headers, body }));
}

interface PreparedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Signs a request with the project's signer, lets `alter` change it after signing, and sends it. */
async function sendAltered(
  prepared: PreparedRequest,
  alter: (request: PreparedRequest) => PreparedRequest,
  options: { key?: AccessKey; signedAt?: Date } = {},
): Promise<Response> {
  const headers = signRequest(
    { method: prepared.method, url: prepared.url, headers: prepared.headers, body: prepared.body },
    options.key ?? PLATFORM_ACCESS_KEY,
    options.signedAt,
  );

  const altered = alter({ ...prepared, url: new URL(prepared.url), headers });
  return readResponse(
    await request(altered.url, {
      method: altered.method as 'GET',
      headers: altered.headers,
      body: altered.body,
    }),
  );
}

function describeRequest(simulator: RunningSimulator): PreparedRequest {
  return {
    method: 'GET',
    url: buildUrl(simulator, platformPath('vpc-endpoint-services/describe'), { id: DEMO_SERVICES.auto.id }),
    headers: { 'content-type': 'application/json' },
  };
}

function createRequest(simulator: RunningSimulator): PreparedRequest {
  const body = {
    endpoint_service_id: DEMO_SERVICES.auto.id,
    vpc_id: PLATFORM_VPC_ID,
    subnet_id: PLATFORM_SUBNET_ID,
  };
  return {
    method: 'POST',
    url: buildUrl(simulator, platformPath('vpc-endpoints')),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

function signatureOf(headers: Record<string, string>): string {
  return /Signature=([0-9a-f]+)/.exec(headers.Authorization)?.[1] ?? '';
}

function assertRejected(response: Response, signature: string): void {
  assert.equal(response.status, 401);
  assert.equal(response.body.error_code, 'APIGW.0301');
  assert.match(response.body.error_msg, /^Incorrect IAM authentication information: /);
  assert.ok(
    !response.body.error_msg.includes(PLATFORM_ACCESS_KEY.secretAccessKey),
    'message contains the SK',
  );
  assert.ok(
    signature === '' || !JSON.stringify(response.body).includes(signature),
    'body contains the signature',
  );
}

describe('simulator accepts Huawei SDK signatures', () => {
  test('SDK-signed GET with query is accepted', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendWithSdkSigner(
      simulator,
      'GET',
      platformPath('vpc-endpoint-services/describe'),
      {
        query: { endpoint_service_name: serviceName(DEMO_SERVICES.approval) },
      },
    );

    assert.equal(response.status, 200);
    assert.equal(response.body.id, DEMO_SERVICES.approval.id);
  });

  test('SDK-signed query with reserved characters', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendWithSdkSigner(
      simulator,
      'GET',
      platformPath('vpc-endpoint-services/describe'),
      {
        query: { endpoint_service_name: "cn-north-4.it's (a) test!*~" },
      },
    );

    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'EndPoint.0005');
  });

  test('SDK-signed POST with JSON body is accepted', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendWithSdkSigner(simulator, 'POST', platformPath('vpc-endpoints'), {
      body: {
        endpoint_service_id: DEMO_SERVICES.auto.id,
        vpc_id: PLATFORM_VPC_ID,
        subnet_id: PLATFORM_SUBNET_ID,
      },
    });

    assert.equal(response.status, 200);
    assert.equal(response.body.status, 'creating');
  });

  test('SDK-signed DELETE without body is accepted', async (t) => {
    const simulator = await startTestSimulator(t);
    const created = await sendWithSdkSigner(simulator, 'POST', platformPath('vpc-endpoints'), {
      body: {
        endpoint_service_id: DEMO_SERVICES.auto.id,
        vpc_id: PLATFORM_VPC_ID,
        subnet_id: PLATFORM_SUBNET_ID,
      },
    });

    const response = await sendWithSdkSigner(
      simulator,
      'DELETE',
      platformPath(`vpc-endpoints/${created.body.id}`),
    );

    assert.equal(response.status, 204);
  });
});

describe('simulator rejects altered signatures', () => {
  test('altered signature is rejected', async (t) => {
    const simulator = await startTestSimulator(t);
    let signature = '';

    const response = await sendAltered(describeRequest(simulator), (prepared) => {
      signature = signatureOf(prepared.headers);
      const flipped = signature.endsWith('0') ? `${signature.slice(0, -1)}1` : `${signature.slice(0, -1)}0`;
      prepared.headers.Authorization = prepared.headers.Authorization.replace(signature, flipped);
      return prepared;
    });

    assertRejected(response, signature);
  });

  test('changed X-Sdk-Date is rejected', async (t) => {
    const simulator = await startTestSimulator(t);
    let signature = '';

    const response = await sendAltered(describeRequest(simulator), (prepared) => {
      signature = signatureOf(prepared.headers);
      const date = prepared.headers['X-Sdk-Date'];
      const seconds = Number(date.slice(13, 15));
      prepared.headers['X-Sdk-Date'] = `${date.slice(0, 13)}${String((seconds + 1) % 60).padStart(2, '0')}Z`;
      return prepared;
    });

    assertRejected(response, signature);
  });

  test('X-Sdk-Date older than 15 minutes is rejected', async (t) => {
    const simulator = await startTestSimulator(t);
    let signature = '';
    const signedAt = new Date(Date.now() - 16 * 60 * 1000);

    const response = await sendAltered(
      describeRequest(simulator),
      (prepared) => {
        signature = signatureOf(prepared.headers);
        return prepared;
      },
      { signedAt },
    );

    assertRejected(response, signature);
    assert.match(response.body.error_msg, /15 minutes/);
  });

  test('altered query is rejected', async (t) => {
    const simulator = await startTestSimulator(t);
    let signature = '';

    const response = await sendAltered(describeRequest(simulator), (prepared) => {
      signature = signatureOf(prepared.headers);
      prepared.url.searchParams.set('id', DEMO_SERVICES.private.id);
      return prepared;
    });

    assertRejected(response, signature);
  });

  test('altered body is rejected', async (t) => {
    const simulator = await startTestSimulator(t);
    let signature = '';

    const response = await sendAltered(createRequest(simulator), (prepared) => {
      signature = signatureOf(prepared.headers);
      prepared.body = prepared.body?.replace(DEMO_SERVICES.auto.id, DEMO_SERVICES.approval.id);
      return prepared;
    });

    assertRejected(response, signature);
  });

  test('unknown access key is rejected', async (t) => {
    const simulator = await startTestSimulator(t);
    let signature = '';
    const key = { accessKeyId: 'UNKNOWNAK00000000001', secretAccessKey: 'unknown-secret-key-value' };

    const response = await sendAltered(
      describeRequest(simulator),
      (prepared) => {
        signature = signatureOf(prepared.headers);
        return prepared;
      },
      { key },
    );

    assertRejected(response, signature);
    assert.ok(!response.body.error_msg.includes(key.secretAccessKey));
  });

  test('unaltered request is accepted', async (t) => {
    const simulator = await startTestSimulator(t);

    const response = await sendAltered(describeRequest(simulator), (prepared) => prepared);

    assert.equal(response.status, 200);
  });

  test('X-Project-Id of another project returns 403', async (t) => {
    const simulator = await startTestSimulator(t);
    const prepared = describeRequest(simulator);
    prepared.headers['X-Project-Id'] = 'another-project';

    const response = await sendAltered(prepared, (signed) => signed);

    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'EndPoint.0004');
  });
});
