/**
 * Clock skew, as API Gateway checks it on IAM and VPCEP alike: a request whose `X-Sdk-Date` is more than 15
 * minutes from the server's clock, in either direction, or that has no valid `X-Sdk-Date`, is rejected with
 * 401 `APIGW.0301`. Requests are signed with the official core's `AKSKSigner` at the real time, and the
 * simulator's injectable clock is moved instead.
 */
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { DEMO_ACCOUNT, DEMO_SERVICES, PLATFORM_ACCOUNT } from '../src/simulator/demo.ts';
import type { RunningSimulator } from '../src/simulator/index.ts';
import {
  iamClient,
  passwordTokenRequest,
  type SdkSigningInput,
  sdkError,
  sendWire,
  signAsSdk,
  type WireRequest,
} from './support/sdk.ts';
import { issueToken, type Response, startTestSimulator } from './support/simulator.ts';

const MINUTE_MS = 60_000;
const JSON_CONTENT = { 'content-type': 'application/json' };

interface SkewCall {
  name: string;
  status: number;
  input(simulator: RunningSimulator): Promise<SdkSigningInput>;
}

const CALLS: SkewCall[] = [
  {
    name: 'VPCEP describe',
    status: 200,
    input: async () => ({
      method: 'GET',
      path: `/v1/${PLATFORM_ACCOUNT.projectId}/vpc-endpoint-services/describe`,
      query: { id: DEMO_SERVICES.auto.id },
      headers: { ...JSON_CONTENT, 'X-Project-Id': PLATFORM_ACCOUNT.projectId },
    }),
  },
  {
    name: 'IAM get token',
    status: 201,
    input: async () => ({
      method: 'POST',
      path: '/v3/auth/tokens',
      headers: JSON_CONTENT,
      data: passwordTokenRequest(DEMO_ACCOUNT).body as unknown as Record<string, unknown>,
    }),
  },
  {
    name: 'IAM validate token',
    status: 200,
    // The token request is unsigned, so the skewed simulator clock does not stop it.
    input: async (simulator) => ({
      method: 'GET',
      path: '/v3/auth/tokens',
      headers: { ...JSON_CONTENT, 'X-Subject-Token': await issueToken(simulator, DEMO_ACCOUNT) },
    }),
  },
];

/** Starts a simulator whose clock runs `skewMs` ahead of the real clock that the signer uses. */
function startSkewedSimulator(t: TestContext, skewMs: number): Promise<RunningSimulator> {
  return startTestSimulator(t, { now: () => new Date(Date.now() + skewMs) });
}

function withoutDate(wire: WireRequest): WireRequest {
  const headers = Object.fromEntries(Object.entries(wire.headers).filter(([name]) => name !== 'X-Sdk-Date'));
  return { ...wire, headers };
}

function assertSkewRejection(response: Response, reason: RegExp): void {
  assert.equal(response.status, 401);
  assert.deepEqual(Object.keys(response.body), ['error_code', 'error_msg', 'request_id']);
  assert.equal(response.body.error_code, 'APIGW.0301');
  assert.match(response.body.error_msg, /^Incorrect IAM authentication information: /);
  assert.match(response.body.error_msg, reason);
  assert.equal(response.body.request_id, response.headers['x-request-id']);
}

const TOO_FAR = /more than 15 minutes from the server time/;
const NO_VALID_DATE = /X-Sdk-Date header is missing or malformed/;

for (const call of CALLS) {
  describe(`clock skew on ${call.name}`, () => {
    for (const [label, skewMs] of [
      ['server 16 minutes ahead', 16 * MINUTE_MS],
      ['server 16 minutes behind', -16 * MINUTE_MS],
    ] as const) {
      test(`${label} rejects`, async (t) => {
        const simulator = await startSkewedSimulator(t, skewMs);

        const response = await sendWire(simulator.url, signAsSdk(simulator.url, await call.input(simulator)));

        assertSkewRejection(response, TOO_FAR);
      });
    }

    for (const [label, skewMs] of [
      ['server 14 minutes ahead', 14 * MINUTE_MS],
      ['server 14 minutes behind', -14 * MINUTE_MS],
    ] as const) {
      test(`${label} accepts`, async (t) => {
        const simulator = await startSkewedSimulator(t, skewMs);

        const response = await sendWire(simulator.url, signAsSdk(simulator.url, await call.input(simulator)));

        assert.equal(response.status, call.status);
      });
    }

    test('missing X-Sdk-Date rejects', async (t) => {
      const simulator = await startSkewedSimulator(t, 0);
      const wire = signAsSdk(simulator.url, await call.input(simulator));

      const response = await sendWire(simulator.url, withoutDate(wire));

      assertSkewRejection(response, NO_VALID_DATE);
    });

    test('malformed X-Sdk-Date rejects', async (t) => {
      const simulator = await startSkewedSimulator(t, 0);
      const wire = signAsSdk(simulator.url, await call.input(simulator));
      const isoDate = new Date().toISOString();

      const response = await sendWire(simulator.url, {
        ...wire,
        headers: { ...wire.headers, 'X-Sdk-Date': isoDate },
      });

      assertSkewRejection(response, NO_VALID_DATE);
    });
  });
}

describe('clock skew with the official IAM client', () => {
  test('skewed token request is APIGW.0301', async (t) => {
    const simulator = await startSkewedSimulator(t, 20 * MINUTE_MS);

    const error = await sdkError(
      iamClient(simulator.url).keystoneCreateUserTokenByPassword(passwordTokenRequest(DEMO_ACCOUNT)),
    );

    assert.equal(error.name, 'ClientRequestException');
    assert.equal(error.httpStatusCode, 401);
    assert.equal(error.errorCode, 'APIGW.0301');
    assert.match(error.errorMsg ?? '', TOO_FAR);
  });
});
