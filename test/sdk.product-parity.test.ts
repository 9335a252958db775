/**
 * The product's own clients (`HttpIamClient`, `requestPasswordToken`, `HttpVpcepClient`) and Huawei's
 * official ones drive the same operations through a recording proxy in front of the simulator. Both must send
 * the same method, path, decoded query, signed headers (except `user-agent` and the date) and JSON body, and
 * the simulator must accept both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpIamClient, requestPasswordToken } from '../src/cloud/iam.ts';
import { parseAuthorization } from '../src/cloud/signer.ts';
import { HttpVpcepClient } from '../src/cloud/vpcep.ts';
import {
  DEMO_ACCOUNT,
  DEMO_SERVICES,
  PLATFORM_ACCESS_KEY,
  PLATFORM_ACCOUNT,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
  serviceName,
} from '../src/simulator/demo.ts';
import { type RunningSimulator, startSimulator } from '../src/simulator/index.ts';
import {
  type CoreCall,
  coreVpcepClient,
  iamClient,
  passwordTokenRequest,
  type RecordedRequest,
  type RecordingProxy,
  startRecordingProxy,
  validateTokenRequest,
} from './support/sdk.ts';
import { issueToken } from './support/simulator.ts';

let simulator: RunningSimulator;
let proxy: RecordingProxy;
let productIam: HttpIamClient;
let productVpcep: HttpVpcepClient;
let officialVpcep: (call: CoreCall) => Promise<unknown>;

before(async () => {
  simulator = await startSimulator({ port: 0, endpointSettleDelayMs: 0 });
  proxy = await startRecordingProxy(simulator.url);
  productIam = new HttpIamClient({ endpoint: proxy.url, accessKey: PLATFORM_ACCESS_KEY });
  productVpcep = new HttpVpcepClient({
    endpoint: proxy.url,
    projectId: PLATFORM_ACCOUNT.projectId,
    accessKey: PLATFORM_ACCESS_KEY,
  });
  officialVpcep = coreVpcepClient(proxy.url);
});

after(async () => {
  await productIam?.close();
  await productVpcep?.close();
  await proxy?.close();
  await simulator?.close();
});

/** Runs `call` and returns the one request it sent through the proxy. */
async function recorded(call: () => Promise<unknown>): Promise<RecordedRequest> {
  const first = proxy.requests.length;
  await call();
  assert.equal(proxy.requests.length, first + 1, 'expected exactly one request');
  return proxy.requests[first];
}

/** The parts of a request that the two clients must agree on. `endpointId` is replaced by `{id}`. */
function comparable(request: RecordedRequest, endpointId?: string) {
  const [rawPath, rawQuery = ''] = request.url.split('?');
  const authorization = parseAuthorization(String(request.headers.authorization ?? ''));
  const signedHeaders = authorization?.signedHeaders.filter((name) => name !== 'user-agent');
  const signedValues = Object.fromEntries(
    (signedHeaders ?? [])
      .filter((name) => name !== 'x-sdk-date')
      .map((name) => [name, request.headers[name]]),
  );

  return {
    method: request.method,
    path: endpointId === undefined ? rawPath : rawPath.replace(endpointId, '{id}'),
    query: [...new URLSearchParams(rawQuery).entries()].sort(),
    signedHeaders,
    signedValues,
    body: request.body === '' ? undefined : JSON.parse(request.body),
  };
}

function assertAccepted(request: RecordedRequest, side: string): void {
  assert.ok(request.status >= 200, `${side} got HTTP ${request.status}`);
  assert.ok(request.status < 300, `${side} got HTTP ${request.status}`);
}

function assertSameRequest(product: RecordedRequest, official: RecordedRequest, ids: string[] = []): void {
  const productView = comparable(product, ids[0]);
  const officialView = comparable(official, ids[1] ?? ids[0]);

  assert.equal(productView.method, officialView.method);
  assert.equal(productView.path, officialView.path);
  assert.deepEqual(productView.query, officialView.query);
  assert.deepEqual(productView.signedHeaders, officialView.signedHeaders);
  assert.deepEqual(productView.signedValues, officialView.signedValues);
  assert.deepEqual(productView.body, officialView.body);
  assertAccepted(product, 'product');
  assertAccepted(official, 'official');
}

async function newEndpointId(): Promise<string> {
  const endpoint = await productVpcep.createEndpoint({
    endpointServiceId: DEMO_SERVICES.auto.id,
    vpcId: PLATFORM_VPC_ID,
    subnetId: PLATFORM_SUBNET_ID,
    tags: [],
  });
  return endpoint.id;
}

describe('product and official VPCEP clients agree', () => {
  test('describe service by name', async () => {
    const name = serviceName(DEMO_SERVICES.auto);

    const product = await recorded(() => productVpcep.describeServiceByName(name));
    const official = await recorded(() =>
      officialVpcep({
        method: 'GET',
        url: '/v1/{project_id}/vpc-endpoint-services/describe',
        queryParams: { endpoint_service_name: name },
      }),
    );

    assertSameRequest(product, official);
  });

  test('describe service by id', async () => {
    const id = DEMO_SERVICES.approval.id;

    const product = await recorded(() => productVpcep.describeServiceById(id));
    const official = await recorded(() =>
      officialVpcep({
        method: 'GET',
        url: '/v1/{project_id}/vpc-endpoint-services/describe',
        queryParams: { id },
      }),
    );

    assertSameRequest(product, official);
  });

  test('create endpoint', async () => {
    const tags = [{ key: 'connection', value: 'parity' }];
    const description = 'parity check';

    const product = await recorded(() =>
      productVpcep.createEndpoint({
        endpointServiceId: DEMO_SERVICES.auto.id,
        vpcId: PLATFORM_VPC_ID,
        subnetId: PLATFORM_SUBNET_ID,
        tags,
        description,
      }),
    );
    const official = await recorded(() =>
      officialVpcep({
        method: 'POST',
        url: '/v1/{project_id}/vpc-endpoints',
        data: {
          endpoint_service_id: DEMO_SERVICES.auto.id,
          vpc_id: PLATFORM_VPC_ID,
          subnet_id: PLATFORM_SUBNET_ID,
          tags,
          description,
        },
      }),
    );

    assertSameRequest(product, official);
    assert.equal(product.body, official.body);
  });

  test('get endpoint', async () => {
    const id = await newEndpointId();

    const product = await recorded(() => productVpcep.getEndpoint(id));
    const official = await recorded(() =>
      officialVpcep({
        method: 'GET',
        url: '/v1/{project_id}/vpc-endpoints/{vpc_endpoint_id}',
        pathParams: { vpc_endpoint_id: id },
      }),
    );

    assertSameRequest(product, official);
  });

  test('list endpoints with filters', async () => {
    const product = await recorded(() =>
      productVpcep.listEndpoints({
        endpointServiceName: 'demo-auto',
        vpcId: PLATFORM_VPC_ID,
        limit: 5,
        offset: 0,
      }),
    );
    const official = await recorded(() =>
      officialVpcep({
        method: 'GET',
        url: '/v1/{project_id}/vpc-endpoints',
        queryParams: { endpoint_service_name: 'demo-auto', vpc_id: PLATFORM_VPC_ID, limit: 5, offset: 0 },
      }),
    );

    assertSameRequest(product, official);
  });

  test('delete endpoint', async () => {
    const productId = await newEndpointId();
    const officialId = await newEndpointId();

    const product = await recorded(() => productVpcep.deleteEndpoint(productId));
    const official = await recorded(() =>
      officialVpcep({
        method: 'DELETE',
        url: '/v1/{project_id}/vpc-endpoints/{vpc_endpoint_id}',
        pathParams: { vpc_endpoint_id: officialId },
      }),
    );

    assertSameRequest(product, official, [productId, officialId]);
  });

  test('endpoint quota', async () => {
    const product = await recorded(() => productVpcep.getEndpointQuota());
    const official = await recorded(() =>
      officialVpcep({ method: 'GET', url: '/v1/{project_id}/quotas', queryParams: { type: 'endpoint' } }),
    );

    assertSameRequest(product, official);
  });
});

describe('product and official IAM clients agree', () => {
  test('validate token', async () => {
    const token = await issueToken(simulator, DEMO_ACCOUNT);

    const product = await recorded(() => productIam.validateToken(token));
    const official = await recorded(() =>
      iamClient(proxy.url).keystoneValidateToken(validateTokenRequest(token, 'true')),
    );

    assertSameRequest(product, official);
    assert.equal(product.headers['x-auth-token'], undefined);
  });

  test('token request differs only in signing', async () => {
    const product = await recorded(() =>
      requestPasswordToken({
        endpoint: proxy.url,
        domainName: DEMO_ACCOUNT.domainName,
        userName: DEMO_ACCOUNT.userName,
        password: DEMO_ACCOUNT.password,
        projectName: 'cn-north-4',
      }),
    );
    const official = await recorded(() =>
      iamClient(proxy.url).keystoneCreateUserTokenByPassword(
        passwordTokenRequest(DEMO_ACCOUNT, { nocatalog: 'true' }),
      ),
    );
    const productView = comparable(product);
    const officialView = comparable(official);

    // NOTE: the product sends this request unsigned, because IAM needs no credential for it, while the
    // official client signs it like every other call.
    assert.equal(productView.signedHeaders, undefined);
    assert.deepEqual(officialView.signedHeaders, ['content-type', 'host', 'x-sdk-date']);
    assert.equal(productView.method, officialView.method);
    assert.equal(productView.path, officialView.path);
    assert.deepEqual(productView.query, officialView.query);
    assert.equal(product.headers['content-type'], official.headers['content-type']);
    assert.deepEqual(productView.body, officialView.body);
    assertAccepted(product, 'product');
    assertAccepted(official, 'official');
  });
});
