/**
 * The IAM and VPCEP clients against bare `node:http` servers on loopback: what goes on the wire, how each
 * error body shape and each transport failure maps to `CloudError`, and that no secret leaks into error
 * messages or logs.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { CloudError } from '../src/cloud/errors.ts';
import { HttpIamClient, requestPasswordToken } from '../src/cloud/iam.ts';
import { parseAuthorization, verifyRequest } from '../src/cloud/signer.ts';
import { parseErrorBody } from '../src/cloud/upstream-errors.ts';
import { HttpVpcepClient } from '../src/cloud/vpcep.ts';

const ACCESS_KEY = {
  accessKeyId: 'TRANSPORTTESTAK00001',
  secretAccessKey: 'transport-test-secret-key-0123456789',
};
const PROJECT_ID = 'p0123456789abcdef0123456789abcdef';
const TOKEN = 'MIItransport-test-user-token-value-0123456789';
const SHORT_TIMEOUTS = { connectTimeout: 1000, headersTimeout: 300, bodyTimeout: 300 };

interface ReceivedRequest {
  method: string;
  rawUrl: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface TestServer {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

type Handler = (request: ReceivedRequest, response: ServerResponse, socketRequest: IncomingMessage) => void;

/** Starts a server on 127.0.0.1 with an OS-chosen port that records each request with its body. */
async function startServer(handler: Handler): Promise<TestServer> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        rawUrl: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      received.push(entry);
      handler(entry, response, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const ENDPOINT_BODY = {
  id: 'e1',
  status: 'accepted',
  endpoint_service_id: 's1',
  endpoint_service_name: 'cn-north-4.demo.s1',
  vpc_id: 'v1',
};

const openClients: Array<{ close(): Promise<void> }> = [];
const openServers: TestServer[] = [];

/** Creates a client that sends each call once, because these tests are about one exchange. */
function vpcepClient(endpoint: string, logger?: { debug(details: object, message: string): void }) {
  const client = new HttpVpcepClient({
    endpoint,
    projectId: PROJECT_ID,
    accessKey: ACCESS_KEY,
    timeouts: SHORT_TIMEOUTS,
    logger,
    retry: { maxAttempts: 1 },
  });
  openClients.push(client);
  return client;
}

function iamClient(endpoint: string) {
  const client = new HttpIamClient({ endpoint, accessKey: ACCESS_KEY, timeouts: SHORT_TIMEOUTS });
  openClients.push(client);
  return client;
}

async function server(handler: Handler): Promise<TestServer> {
  const started = await startServer(handler);
  openServers.push(started);
  return started;
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

after(async () => {
  await Promise.all(openClients.map((client) => client.close()));
  await Promise.all(openServers.map((started) => started.close()));
});

describe('request on the wire', () => {
  test('vpcep request verifies', async () => {
    const upstream = await server((_request, response) => sendJson(response, 200, ENDPOINT_BODY));
    const client = vpcepClient(`${upstream.url}/`);
    await client.createEndpoint({ endpointServiceId: 's1', vpcId: 'v1', subnetId: 'n1', tags: [] });

    const [request] = upstream.received;
    const result = verifyRequest(request, (id) =>
      id === ACCESS_KEY.accessKeyId ? ACCESS_KEY.secretAccessKey : undefined,
    );
    assert.deepEqual(result, { ok: true, accessKeyId: ACCESS_KEY.accessKeyId });
    assert.equal(request.rawUrl, `/v1/${PROJECT_ID}/vpc-endpoints`);
    assert.equal(request.headers['x-project-id'], PROJECT_ID);
    assert.equal(
      request.body.toString(),
      '{"endpoint_service_id":"s1","vpc_id":"v1","subnet_id":"n1","tags":[]}',
    );
    const signed = parseAuthorization(String(request.headers.authorization))?.signedHeaders;
    assert.deepEqual(signed, ['content-type', 'host', 'x-project-id', 'x-sdk-date']);
  });

  test('query and path encoding', async () => {
    const upstream = await server((_request, response) =>
      sendJson(response, 200, { id: 's1', service_name: 'a b', service_type: 'interface' }),
    );
    const client = vpcepClient(upstream.url);
    await client.describeServiceByName("cn-north-4.my svc+'*");
    await client.getEndpoint('a/b c').catch(() => undefined);

    const [describe, get] = upstream.received;
    assert.equal(
      describe.rawUrl,
      `/v1/${PROJECT_ID}/vpc-endpoint-services/describe?endpoint_service_name=cn-north-4.my%20svc%2B%27%2A`,
    );
    assert.equal(get.rawUrl, `/v1/${PROJECT_ID}/vpc-endpoints/a%2Fb%20c`);
    for (const request of upstream.received) {
      const result = verifyRequest(request, () => ACCESS_KEY.secretAccessKey);
      assert.equal(result.ok, true, `${request.rawUrl} does not verify`);
    }
  });

  test('validateToken signs X-Subject-Token', async () => {
    const upstream = await server((_request, response) =>
      sendJson(response, 200, {
        token: {
          expires_at: '2030-01-04T09:05:22.701000Z',
          user: { id: 'u1', name: 'demo', domain: { id: 'd1', name: 'demo' } },
          roles: [{ id: '0', name: 'te_admin' }],
        },
      }),
    );
    const info = await iamClient(upstream.url).validateToken(TOKEN);

    const [request] = upstream.received;
    assert.equal(request.rawUrl, '/v3/auth/tokens?nocatalog=true');
    assert.equal(request.headers['x-subject-token'], TOKEN);
    assert.equal(request.headers['x-auth-token'], undefined);
    assert.ok(
      parseAuthorization(String(request.headers.authorization))?.signedHeaders.includes('x-subject-token'),
    );
    assert.equal(verifyRequest(request, () => ACCESS_KEY.secretAccessKey).ok, true);
    assert.equal(info.projectId, undefined);
    assert.deepEqual(info.roles, ['te_admin']);
    assert.equal(info.expiresAt.toISOString(), '2030-01-04T09:05:22.701Z');
  });

  test('password token is unsigned', async () => {
    const upstream = await server((_request, response) =>
      sendJson(
        response,
        201,
        {
          token: {
            expires_at: '2030-01-01T00:00:00Z',
            user: { id: 'u1', name: 'demo', domain: { id: 'd1', name: 'demo' } },
            project: { id: 'p1', name: 'cn-north-4' },
          },
        },
        { 'x-subject-token': TOKEN },
      ),
    );
    const result = await requestPasswordToken({
      endpoint: upstream.url,
      domainName: 'demo',
      userName: 'demo',
      password: 'pw-0123456789',
      projectName: 'cn-north-4',
    });

    const [request] = upstream.received;
    assert.equal(result.token, TOKEN);
    assert.equal(result.info.projectId, 'p1');
    assert.equal(request.headers.authorization, undefined);
    assert.deepEqual(JSON.parse(request.body.toString()).auth.scope, { project: { name: 'cn-north-4' } });
  });
});

describe('error bodies', () => {
  const cases = [
    {
      name: 'nested',
      body: { error: { code: 'EndPoint.0005', message: 'Resource not found.' } },
      code: 'EndPoint.0005',
    },
    {
      name: 'flat',
      body: { error_code: 'EndPoint.0002', error_msg: 'Parameter error.' },
      code: 'EndPoint.0002',
    },
    {
      name: 'api gateway',
      body: {
        error_code: 'APIGW.0301',
        error_msg: 'Incorrect IAM authentication information',
        request_id: 'rq-body',
      },
      code: 'APIGW.0301',
    },
    {
      name: 'keystone',
      body: { error: { code: 401, message: 'The token is invalid.', title: 'Unauthorized' } },
    },
    { name: 'not json', body: '<html>Bad Gateway</html>' },
    { name: 'empty', body: '' },
    { name: 'json null', body: null },
  ];

  for (const item of cases) {
    test(`parses ${item.name} body`, async () => {
      const upstream = await server((_request, response) => {
        response.writeHead(401, { 'x-request-id': 'rq-header' });
        response.end(typeof item.body === 'string' ? item.body : JSON.stringify(item.body));
      });
      const error = await cloudError(vpcepClient(upstream.url).getEndpoint('e1'));

      assert.equal(error.kind, 'http');
      assert.equal(error.httpStatus, 401);
      assert.equal(error.code, item.code);
      assert.equal(error.requestId, 'rq-header');
      assert.equal(error.service, 'vpcep');
      assert.equal(error.operation, 'getEndpoint');
    });
  }

  test('keystone message kept', () => {
    const parsed = parseErrorBody(
      '{"error":{"code":404,"message":"X-Subject-Token is invalid","title":"Not Found"}}',
    );
    assert.equal(parsed.message, 'X-Subject-Token is invalid');
    assert.equal(parsed.code, undefined);
  });

  test('request id from body', async () => {
    const upstream = await server((_request, response) =>
      sendJson(response, 401, {
        error_code: 'APIGW.0301',
        error_msg: 'signature mismatch',
        request_id: 'rq-body',
      }),
    );
    const error = await cloudError(vpcepClient(upstream.url).getEndpoint('e1'));
    assert.equal(error.requestId, 'rq-body');
  });

  test('message names status', async () => {
    const upstream = await server((_request, response) => {
      response.writeHead(502);
      response.end();
    });
    const error = await cloudError(vpcepClient(upstream.url).getEndpointQuota());
    assert.match(error.message, /HTTP 502/);
    assert.match(error.message, /Bad Gateway/);
  });
});

describe('transport failures', () => {
  test('no response is timeout', async () => {
    const upstream = await server(() => {});
    const error = await cloudError(vpcepClient(upstream.url).getEndpoint('e1'));
    assert.equal(error.kind, 'timeout');
  });

  test('stalled body is timeout', async () => {
    const upstream = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"id":');
    });
    const error = await cloudError(vpcepClient(upstream.url).getEndpoint('e1'));
    assert.equal(error.kind, 'timeout');
  });

  test('closed port is unreachable', async () => {
    const closed = await startServer(() => {});
    await closed.close();
    const error = await cloudError(vpcepClient(closed.url).getEndpoint('e1'));
    assert.equal(error.kind, 'unreachable');
  });

  test('destroyed socket is unreachable', async () => {
    const upstream = await server((_request, _response, socketRequest) => socketRequest.socket.destroy());
    const error = await cloudError(vpcepClient(upstream.url).getEndpoint('e1'));
    assert.equal(error.kind, 'unreachable');
  });

  test('non-JSON 200 is invalid-response', async () => {
    const upstream = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'x-request-id': 'rq-1' });
      response.end('<html>ok</html>');
    });
    const error = await cloudError(vpcepClient(upstream.url).getEndpoint('e1'));
    assert.equal(error.kind, 'invalid-response');
    assert.equal(error.httpStatus, 200);
    assert.equal(error.requestId, 'rq-1');
  });

  test('wrong shape is invalid-response', async () => {
    const upstream = await server((_request, response) =>
      sendJson(response, 200, { ...ENDPOINT_BODY, status: 'weird' }),
    );
    const error = await cloudError(vpcepClient(upstream.url).getEndpoint('e1'));
    assert.equal(error.kind, 'invalid-response');
    assert.match(error.message, /body\.status "weird"/);
  });

  test('quota without endpoint entry', async () => {
    const upstream = await server((_request, response) =>
      sendJson(response, 200, { quotas: { resources: [{ type: 'endpoint_service', used: 1, quota: 20 }] } }),
    );
    const error = await cloudError(vpcepClient(upstream.url).getEndpointQuota());
    assert.equal(error.kind, 'invalid-response');
    assert.match(error.message, /no entry of type "endpoint"/);
  });

  test('missing token header', async () => {
    const upstream = await server((_request, response) =>
      sendJson(response, 201, {
        token: {
          expires_at: '2030-01-01T00:00:00Z',
          user: { id: 'u', name: 'n', domain: { id: 'd', name: 'n' } },
        },
      }),
    );
    const request = { endpoint: upstream.url, domainName: 'd', userName: 'u', password: 'pw-0123456789' };
    const error = await cloudError(requestPasswordToken(request));
    assert.equal(error.kind, 'invalid-response');
  });
});

describe('secrets', () => {
  /** Replies with every request header inside an APIGW.0301 error message, as a careless gateway might. */
  function echoHeaders(_request: ReceivedRequest, response: ServerResponse, socketRequest: IncomingMessage) {
    sendJson(response, 401, { error_code: 'APIGW.0301', error_msg: JSON.stringify(socketRequest.headers) });
  }

  test('errors never echo secrets', async () => {
    const upstream = await server(echoHeaders);
    const iamError = await cloudError(iamClient(upstream.url).validateToken(TOKEN));
    const vpcepError = await cloudError(vpcepClient(upstream.url).getEndpoint('e1'));
    const passwordError = await cloudError(
      requestPasswordToken({
        endpoint: upstream.url,
        domainName: 'd',
        userName: 'u',
        password: 'pw-secret-value',
      }),
    );
    const signatures = upstream.received.flatMap((request) => {
      const signature = parseAuthorization(String(request.headers.authorization ?? ''))?.signature;
      return signature ? [signature] : [];
    });

    assert.equal(signatures.length, 2);
    for (const error of [iamError, vpcepError, passwordError]) {
      for (const secret of [
        ACCESS_KEY.accessKeyId,
        ACCESS_KEY.secretAccessKey,
        TOKEN,
        'pw-secret-value',
        ...signatures,
      ]) {
        assert.ok(!error.message.includes(secret), `${error.operation} message contains a secret`);
      }
    }
  });

  test('logs hold no secrets', async () => {
    const logs: object[] = [];
    const upstream = await server((_request, response) =>
      sendJson(response, 200, ENDPOINT_BODY, { 'x-request-id': 'rq-7' }),
    );
    await vpcepClient(upstream.url, { debug: (details) => logs.push(details) }).getEndpoint('e1');

    const text = JSON.stringify(logs);
    const signature = parseAuthorization(String(upstream.received[0].headers.authorization))?.signature ?? '';
    assert.equal(logs.length, 1);
    assert.ok(!text.includes(ACCESS_KEY.accessKeyId), 'log contains the access key id');
    assert.ok(!text.includes(ACCESS_KEY.secretAccessKey), 'log contains the secret key');
    assert.ok(!text.includes(signature), 'log contains the signature');
    assert.deepEqual(
      { ...logs[0], durationMs: 0 },
      {
        upstream: 'vpcep',
        operation: 'getEndpoint',
        method: 'GET',
        path: `/v1/${PROJECT_ID}/vpc-endpoints/e1`,
        status: 200,
        requestId: 'rq-7',
        durationMs: 0,
      },
    );
  });
});
