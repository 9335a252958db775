/**
 * Huawei's official IAM client (`@huaweicloud/huaweicloud-sdk-iam` 3.1.172) against the simulator: password
 * tokens, token validation, Keystone-style errors as the SDK surfaces them, and the client's fail-over retry.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { parseAuthorization } from '../src/cloud/signer.ts';
import { DEMO_ACCOUNT, PLATFORM_ACCESS_KEY } from '../src/simulator/demo.ts';
import type { RunningSimulator } from '../src/simulator/index.ts';
import { TOKEN_LIFETIME_MS } from '../src/simulator/tokens.ts';
import {
  iamClient,
  type PasswordUser,
  passwordTokenRequest,
  sdkError,
  startRecordingProxy,
  tokenResponse,
  validateTokenRequest,
} from './support/sdk.ts';
import { issueToken, startTestSimulator } from './support/simulator.ts';

const IAM_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEMO_DOMAIN = { id: DEMO_ACCOUNT.domainId, name: DEMO_ACCOUNT.domainName };

/** Returns a loopback URL on which nothing listens, so that connecting to it is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('official IAM client tokens', () => {
  test('password token has every field', async (t) => {
    const issuedAt = new Date();
    const simulator = await startTestSimulator(t, { now: () => issuedAt });
    const client = iamClient(simulator.url);

    const response = await tokenResponse(
      client.keystoneCreateUserTokenByPassword(passwordTokenRequest(DEMO_ACCOUNT)),
    );
    const { token } = response;

    assert.equal(response.httpStatusCode, 201);
    assert.match(response['X-Subject-Token'] ?? '', /^MII/);
    assert.match(token.issued_at, IAM_TIME);
    assert.equal(Date.parse(token.issued_at), issuedAt.getTime());
    assert.equal(Date.parse(token.expires_at), issuedAt.getTime() + TOKEN_LIFETIME_MS);
    assert.deepEqual(token.methods, ['password']);
    assert.deepEqual(token.user, {
      id: DEMO_ACCOUNT.userId,
      name: DEMO_ACCOUNT.userName,
      domain: DEMO_DOMAIN,
      password_expires_at: '',
    });
    assert.deepEqual(token.project, { id: DEMO_ACCOUNT.projectId, name: 'cn-north-4', domain: DEMO_DOMAIN });
    assert.ok(token.roles.length > 0);
    for (const role of token.roles) assert.deepEqual(Object.keys(role), ['id', 'name']);
    assert.ok(token.catalog.length > 0);
    for (const entry of token.catalog) assert.equal(entry.endpoints[0].url, simulator.url);
  });

  test('nocatalog empties the catalog', async (t) => {
    const simulator = await startTestSimulator(t);
    const client = iamClient(simulator.url);

    const issued = await tokenResponse(
      client.keystoneCreateUserTokenByPassword(passwordTokenRequest(DEMO_ACCOUNT, { nocatalog: 'true' })),
    );
    const validated = await tokenResponse(
      client.keystoneValidateToken(validateTokenRequest(issued['X-Subject-Token'] ?? '', 'true')),
    );

    assert.deepEqual(issued.token.catalog, []);
    assert.deepEqual(validated.token.catalog, []);
  });

  test('validation returns the same token', async (t) => {
    const simulator = await startTestSimulator(t);
    const client = iamClient(simulator.url);
    const issued = await tokenResponse(
      client.keystoneCreateUserTokenByPassword(passwordTokenRequest(DEMO_ACCOUNT)),
    );
    const token = issued['X-Subject-Token'] ?? '';

    const validated = await tokenResponse(client.keystoneValidateToken(validateTokenRequest(token)));

    assert.equal(validated.httpStatusCode, 200);
    assert.equal(validated['X-Subject-Token'], token);
    assert.deepEqual(validated.token, issued.token);
  });

  test('validation is signed, without X-Auth-Token', async (t) => {
    const simulator = await startTestSimulator(t);
    const proxy = await startRecordingProxy(simulator.url);
    t.after(() => proxy.close());
    const token = await issueToken(simulator, DEMO_ACCOUNT);

    await iamClient(proxy.url).keystoneValidateToken(validateTokenRequest(token));
    const [sent] = proxy.requests;
    const signedHeaders = parseAuthorization(String(sent.headers.authorization))?.signedHeaders;

    assert.equal(sent.method, 'GET');
    assert.equal(sent.headers['x-auth-token'], undefined);
    assert.equal(sent.headers['x-subject-token'], token);
    assert.deepEqual(signedHeaders, ['content-type', 'host', 'x-sdk-date', 'x-subject-token']);
    assert.equal(sent.status, 200);
  });
});

interface TokenErrorCase {
  name: string;
  status: number;
  message: string;
  /** Makes the failing call with the official client. */
  call(simulator: RunningSimulator, shiftClock: (ms: number) => void): Promise<unknown>;
}

const issueFor = (url: string, user: PasswordUser, projectName?: string) =>
  iamClient(url).keystoneCreateUserTokenByPassword(passwordTokenRequest(user, { projectName }));

const WRONG_CREDENTIALS = 'The username or password is wrong.';
const INVALID_SUBJECT = 'X-Subject-Token is invalid in the request';

const TOKEN_ERRORS: TokenErrorCase[] = [
  {
    name: 'wrong password',
    status: 401,
    message: WRONG_CREDENTIALS,
    call: (simulator) => issueFor(simulator.url, { ...DEMO_ACCOUNT, password: 'not-the-password' }),
  },
  {
    name: 'unknown user',
    status: 401,
    message: WRONG_CREDENTIALS,
    call: (simulator) => issueFor(simulator.url, { ...DEMO_ACCOUNT, userName: 'nobody' }),
  },
  {
    name: 'unknown domain',
    status: 401,
    message: WRONG_CREDENTIALS,
    call: (simulator) => issueFor(simulator.url, { ...DEMO_ACCOUNT, domainName: 'no-such-account' }),
  },
  {
    name: 'unknown project',
    status: 401,
    message: 'The user has no access to the project in the scope, or it does not exist.',
    call: (simulator) => issueFor(simulator.url, DEMO_ACCOUNT, 'eu-west-0'),
  },
  {
    name: 'altered token',
    status: 404,
    message: INVALID_SUBJECT,
    call: async (simulator) => {
      const token = await issueToken(simulator, DEMO_ACCOUNT);
      const altered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
      return iamClient(simulator.url).keystoneValidateToken(validateTokenRequest(altered));
    },
  },
  {
    name: 'expired token',
    status: 404,
    message: INVALID_SUBJECT,
    // The SDK signs with the real clock, and the simulator rejects a signature dated more than 15 minutes
    // off its own clock. So the token is issued unsigned in the simulated past and validated in the present.
    call: async (simulator, shiftClock) => {
      shiftClock(-(TOKEN_LIFETIME_MS + 60_000));
      const token = await issueToken(simulator, DEMO_ACCOUNT);
      shiftClock(0);
      return iamClient(simulator.url).keystoneValidateToken(validateTokenRequest(token));
    },
  },
];

describe('official IAM client errors', () => {
  for (const errorCase of TOKEN_ERRORS) {
    test(`${errorCase.name} is Keystone ${errorCase.status}`, async (t) => {
      let shiftMs = 0;
      const simulator = await startTestSimulator(t, { now: () => new Date(Date.now() + shiftMs) });

      const error = await sdkError(
        errorCase.call(simulator, (ms) => {
          shiftMs = ms;
        }),
      );

      assert.equal(error.name, 'ClientRequestException');
      assert.equal(error.httpStatusCode, errorCase.status);
      assert.equal(error.errorCode, errorCase.status);
      assert.equal(error.errorMsg, errorCase.message);
      assert.match(error.requestId ?? '', REQUEST_ID);
    });
  }

  test('wrong secret key is APIGW.0301', async (t) => {
    const simulator = await startTestSimulator(t);
    const key = { ...PLATFORM_ACCESS_KEY, secretAccessKey: 'not-the-secret-key' };

    const error = await sdkError(
      iamClient(simulator.url, key).keystoneCreateUserTokenByPassword(passwordTokenRequest(DEMO_ACCOUNT)),
    );

    assert.equal(error.httpStatusCode, 401);
    assert.equal(error.errorCode, 'APIGW.0301');
    assert.match(
      error.errorMsg ?? '',
      /^Incorrect IAM authentication information: verify aksk signature fail/,
    );
    assert.match(error.requestId ?? '', REQUEST_ID);
  });

  test('endpoint with trailing slash fails signing', async (t) => {
    const simulator = await startTestSimulator(t);

    // The client signs `//v3/auth/tokens` but sends `/v3/auth/tokens`, so API Gateway rejects every call.
    const error = await sdkError(
      iamClient(`${simulator.url}/`).keystoneCreateUserTokenByPassword(passwordTokenRequest(DEMO_ACCOUNT)),
    );

    assert.equal(error.httpStatusCode, 401);
    assert.equal(error.errorCode, 'APIGW.0301');
  });
});

describe('official IAM client fail-over', () => {
  test('retry signs user-agent and passes', async (t) => {
    const simulator = await startTestSimulator(t);
    const proxy = await startRecordingProxy(simulator.url);
    t.after(() => proxy.close());
    const endpoints = [await closedPortUrl(), proxy.url];

    const issued = await tokenResponse(
      iamClient(endpoints).keystoneCreateUserTokenByPassword(passwordTokenRequest(DEMO_ACCOUNT)),
    );
    const validated = await tokenResponse(
      iamClient([await closedPortUrl(), proxy.url]).keystoneValidateToken(
        validateTokenRequest(issued['X-Subject-Token'] ?? ''),
      ),
    );
    const signedHeaders = proxy.requests.map(
      (sent) => parseAuthorization(String(sent.headers.authorization))?.signedHeaders ?? [],
    );

    assert.equal(issued.httpStatusCode, 201);
    assert.equal(validated.httpStatusCode, 200);
    assert.equal(proxy.requests.length, 2);
    for (const names of signedHeaders) assert.ok(names.includes('user-agent'), names.join(';'));
  });
});
