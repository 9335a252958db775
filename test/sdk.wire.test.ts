/**
 * Every IAM and VPCEP call that Huawei's official Node.js clients make, built by hand the way they build it
 * and sent over a real socket. Requests are signed with the core's `AKSKSigner`, the query is in Node's
 * `querystring` encoding, and `User-Agent` and `Accept` are added after signing. Each call must get its
 * documented response, also with a signed `user-agent` as in the client's fail-over retry. Altering any signed
 * part after signing must get API Gateway's 401 `APIGW.0301`.
 */
import assert from 'node:assert/strict';
import querystring from 'node:querystring';
import { describe, type TestContext, test } from 'node:test';
import { formatSdkDate, parseAuthorization, parseSdkDate } from '../src/cloud/signer.ts';
import {
  CUSTOMER_ACCESS_KEY,
  CUSTOMER_ACCOUNT,
  DEMO_ACCOUNT,
  DEMO_SERVICES,
  PLATFORM_ACCOUNT,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
  serviceName,
} from '../src/simulator/demo.ts';
import type { RunningSimulator } from '../src/simulator/index.ts';
import {
  passwordTokenRequest,
  type SdkSigningInput,
  sendWire,
  signAsSdk,
  type WireRequest,
} from './support/sdk.ts';
import { issueToken, type Response, sendSigned, startTestSimulator } from './support/simulator.ts';

const JSON_CONTENT = { 'content-type': 'application/json' };
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Prepared {
  input: SdkSigningInput;
  /** Id of the endpoint that the call works on, when it needs one. */
  endpointId?: string;
}

interface WireCall {
  name: string;
  /** Creates what the call needs in the simulator and returns the call as the official client signs it. */
  prepare(simulator: RunningSimulator): Promise<Prepared>;
  status: number;
  /** Documented response values by path, such as `body.connections.0.id`; a RegExp must match the value. */
  expected?(prepared: Prepared): Record<string, unknown>;
}

/** Builds a VPCEP call in the platform's project, or in `projectId`, with the `X-Project-Id` the client adds. */
function vpcepInput(
  method: SdkSigningInput['method'],
  suffix: string,
  options: Partial<SdkSigningInput> & { projectId?: string } = {},
): SdkSigningInput {
  const projectId = options.projectId ?? PLATFORM_ACCOUNT.projectId;
  return {
    method,
    path: `/v1/${projectId}/${suffix}`,
    headers: { ...JSON_CONTENT, 'X-Project-Id': projectId },
    query: options.query,
    data: options.data,
    key: options.key,
  };
}

/** Creates a platform endpoint to a demo service, signed with the product's signer. */
async function createEndpoint(simulator: RunningSimulator, serviceId: string): Promise<string> {
  const created = await sendSigned(simulator, 'POST', `/v1/${PLATFORM_ACCOUNT.projectId}/vpc-endpoints`, {
    body: { endpoint_service_id: serviceId, vpc_id: PLATFORM_VPC_ID, subnet_id: PLATFORM_SUBNET_ID },
  });
  assert.equal(created.status, 200, 'fixture endpoint was not created');
  return created.body.id;
}

/** Prepares a call that works on a new platform endpoint to `serviceId`. */
function onNewEndpoint(serviceId: string, build: (endpointId: string) => SdkSigningInput) {
  return async (simulator: RunningSimulator): Promise<Prepared> => {
    const endpointId = await createEndpoint(simulator, serviceId);
    return { input: build(endpointId), endpointId };
  };
}

const customer = { key: CUSTOMER_ACCESS_KEY, projectId: CUSTOMER_ACCOUNT.projectId };
const approvalConnections = `vpc-endpoint-services/${DEMO_SERVICES.approval.id}/connections`;

function connectionAction(action: 'receive' | 'reject', status: string): WireCall {
  return {
    name: `${action} endpoint connection`,
    prepare: onNewEndpoint(DEMO_SERVICES.approval.id, (id) =>
      vpcepInput('POST', `${approvalConnections}/action`, { data: { action, endpoints: [id] }, ...customer }),
    ),
    status: 200,
    expected: ({ endpointId }) => ({
      'body.connections.0.id': endpointId,
      'body.connections.0.status': status,
    }),
  };
}

const CALLS: WireCall[] = [
  {
    name: 'describe service by name',
    prepare: async () => ({
      input: vpcepInput('GET', 'vpc-endpoint-services/describe', {
        query: { endpoint_service_name: serviceName(DEMO_SERVICES.auto) },
      }),
    }),
    status: 200,
    expected: () => ({ 'body.id': DEMO_SERVICES.auto.id, 'body.service_type': 'interface' }),
  },
  {
    name: 'describe service by id',
    prepare: async () => ({
      input: vpcepInput('GET', 'vpc-endpoint-services/describe', {
        query: { id: DEMO_SERVICES.approval.id },
      }),
    }),
    status: 200,
    expected: () => ({ 'body.service_name': serviceName(DEMO_SERVICES.approval) }),
  },
  {
    name: 'create endpoint',
    prepare: async () => ({
      input: vpcepInput('POST', 'vpc-endpoints', {
        data: {
          endpoint_service_id: DEMO_SERVICES.auto.id,
          vpc_id: PLATFORM_VPC_ID,
          subnet_id: PLATFORM_SUBNET_ID,
        },
      }),
    }),
    status: 200,
    expected: () => ({ 'body.status': 'creating', 'body.endpoint_service_id': DEMO_SERVICES.auto.id }),
  },
  {
    name: 'get endpoint',
    prepare: onNewEndpoint(DEMO_SERVICES.auto.id, (id) => vpcepInput('GET', `vpc-endpoints/${id}`)),
    status: 200,
    expected: ({ endpointId }) => ({ 'body.id': endpointId, 'body.status': 'accepted' }),
  },
  {
    name: 'list endpoints with options',
    prepare: onNewEndpoint(DEMO_SERVICES.auto.id, () =>
      vpcepInput('GET', 'vpc-endpoints', {
        query: {
          endpoint_service_name: 'DEMO-auto',
          vpc_id: PLATFORM_VPC_ID,
          limit: 10,
          offset: 0,
          sort_key: 'create_at',
          sort_dir: 'desc',
        },
      }),
    ),
    status: 200,
    expected: ({ endpointId }) => ({ 'body.total_count': 1, 'body.endpoints.0.id': endpointId }),
  },
  {
    // Node's querystring leaves !'()* unencoded, while the signature covers them RFC 3986 encoded.
    name: 'list endpoints with reserved characters',
    prepare: async () => ({
      input: vpcepInput('GET', 'vpc-endpoints', { query: { endpoint_service_name: "it's (a) test!*~ ä" } }),
    }),
    status: 200,
    expected: () => ({ 'body.total_count': 0 }),
  },
  {
    name: 'delete endpoint',
    prepare: onNewEndpoint(DEMO_SERVICES.auto.id, (id) => vpcepInput('DELETE', `vpc-endpoints/${id}`)),
    status: 204,
    expected: () => ({ body: undefined }),
  },
  {
    name: 'list service connections',
    prepare: onNewEndpoint(DEMO_SERVICES.approval.id, () => vpcepInput('GET', approvalConnections, customer)),
    status: 200,
    expected: ({ endpointId }) => ({
      'body.connections.0.id': endpointId,
      'body.connections.0.status': 'pendingAcceptance',
    }),
  },
  connectionAction('receive', 'accepted'),
  connectionAction('reject', 'rejected'),
  {
    name: 'endpoint quota',
    prepare: async () => ({ input: vpcepInput('GET', 'quotas', { query: { type: 'endpoint' } }) }),
    status: 200,
    expected: () => ({ 'body.quotas.resources': [{ type: 'endpoint', used: 0, quota: 50 }] }),
  },
  {
    name: 'get token',
    // The body is the SDK's own request model, which axios serializes with JSON.stringify as the signer does.
    prepare: async () => ({
      input: {
        method: 'POST',
        path: '/v3/auth/tokens',
        headers: JSON_CONTENT,
        data: passwordTokenRequest(DEMO_ACCOUNT).body as unknown as Record<string, unknown>,
      },
    }),
    status: 201,
    expected: () => ({ 'headers.x-subject-token': /^MII/, 'body.token.user.name': DEMO_ACCOUNT.userName }),
  },
  {
    name: 'validate token',
    prepare: async (simulator) => {
      const token = await issueToken(simulator, DEMO_ACCOUNT);
      const headers = { ...JSON_CONTENT, 'X-Subject-Token': token };
      return { input: { method: 'GET', path: '/v3/auth/tokens', headers } };
    },
    status: 200,
    expected: () => ({ 'headers.x-subject-token': /^MII/, 'body.token.project.id': DEMO_ACCOUNT.projectId }),
  },
];

function assertDocumentedResponse(call: WireCall, response: Response, prepared: Prepared): void {
  assert.equal(response.status, call.status);
  assert.match(String(response.headers['x-request-id']), REQUEST_ID);
  for (const [path, expected] of Object.entries(call.expected?.(prepared) ?? {})) {
    const actual = path.split('.').reduce<unknown>((value, key) => (value as never)?.[key], response);
    if (expected instanceof RegExp) assert.match(String(actual), expected, path);
    else assert.deepEqual(actual, expected, path);
  }
}

/** Changes one signed part of a request after signing. */
type Alteration = (wire: WireRequest) => WireRequest;

/** Returns the request with `change` applied to the value of one header, found by its lower-case name. */
function changeHeader(wire: WireRequest, lowerName: string, change: (value: string) => string): WireRequest {
  const name =
    Object.keys(wire.headers).find((candidate) => candidate.toLowerCase() === lowerName) ?? lowerName;
  return { ...wire, headers: { ...wire.headers, [name]: change(wire.headers[name]) } };
}

function alterQuery(wire: WireRequest): WireRequest {
  if (wire.query === '') return { ...wire, query: 'limit=1' };

  const query = querystring.parse(wire.query);
  const [first] = Object.keys(query);
  return { ...wire, query: querystring.stringify({ ...query, [first]: `${query[first]}x` }) };
}

function alterBody(wire: WireRequest): WireRequest {
  return { ...wire, body: JSON.stringify({ ...JSON.parse(wire.body ?? '{}'), tampered: true }) };
}

const oneSecondLater = (date: string) => formatSdkDate(new Date((parseSdkDate(date)?.getTime() ?? 0) + 1000));
const flipLastHexDigit = (value: string) => `${value.slice(0, -1)}${value.endsWith('0') ? '1' : '0'}`;

/** The alterations that apply to a signed request: method, path, query, each signed header, body and date. */
function alterationsFor(wire: WireRequest): Array<[string, Alteration]> {
  const signedHeaders = parseAuthorization(wire.headers.Authorization)?.signedHeaders ?? [];
  const headerAlterations = signedHeaders
    .filter((name) => name !== 'x-sdk-date')
    .map((name): [string, Alteration] => [
      `header ${name}`,
      (request) => changeHeader(request, name, (v) => `${v}x`),
    ]);

  return [
    ['method', (request) => ({ ...request, method: 'PUT' })],
    ['path', (request) => ({ ...request, path: `${request.path}x` })],
    ['query', alterQuery],
    ...headerAlterations,
    ...(wire.body === undefined ? [] : [['body', alterBody] as [string, Alteration]]),
    ['date', (request) => changeHeader(request, 'x-sdk-date', oneSecondLater)],
    ['signature', (request) => changeHeader(request, 'authorization', flipLastHexDigit)],
  ];
}

/** Starts a simulator whose endpoints settle at once, and prepares the call in it. */
async function setUp(t: TestContext, call: WireCall) {
  const simulator = await startTestSimulator(t, { endpointSettleDelayMs: 0 });
  const prepared = await call.prepare(simulator);
  simulator.state.settle();
  return { simulator, prepared };
}

/** Records every endpoint's id and status and the number of tokens, to show that a rejection changed nothing. */
function snapshot(simulator: RunningSimulator): string {
  const endpoints = [...simulator.state.endpoints.values()].map((endpoint) => [endpoint.id, endpoint.status]);
  return JSON.stringify({ endpoints, tokens: simulator.state.tokens.size });
}

function assertGatewayRejection(response: Response): void {
  assert.equal(response.status, 401);
  assert.deepEqual(Object.keys(response.body), ['error_code', 'error_msg', 'request_id']);
  assert.equal(response.body.error_code, 'APIGW.0301');
  assert.match(response.body.error_msg, /^Incorrect IAM authentication information: /);
  assert.equal(response.body.request_id, response.headers['x-request-id']);
}

for (const call of CALLS) {
  describe(`wire ${call.name}`, () => {
    test('accepted as the SDK sends it', async (t) => {
      const { simulator, prepared } = await setUp(t, call);

      const response = await sendWire(simulator.url, signAsSdk(simulator.url, prepared.input));

      assertDocumentedResponse(call, response, prepared);
    });

    test('accepted with signed user-agent', async (t) => {
      const { simulator, prepared } = await setUp(t, call);
      const wire = signAsSdk(simulator.url, prepared.input, true);

      const response = await sendWire(simulator.url, wire);

      assert.ok(parseAuthorization(wire.headers.Authorization)?.signedHeaders.includes('user-agent'));
      assertDocumentedResponse(call, response, prepared);
    });

    test('altered signed parts are APIGW.0301', async (t) => {
      const { simulator, prepared } = await setUp(t, call);
      const before = snapshot(simulator);

      for (const [name, alter] of alterationsFor(signAsSdk(simulator.url, prepared.input))) {
        await t.test(`altered ${name}`, async () => {
          const response = await sendWire(simulator.url, alter(signAsSdk(simulator.url, prepared.input)));

          assertGatewayRejection(response);
          assert.equal(snapshot(simulator), before);
        });
      }
    });
  });
}
