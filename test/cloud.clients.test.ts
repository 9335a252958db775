/**
 * The IAM and VPCEP clients against the simulator on loopback, signed with the platform's demo AK/SK:
 * token validation, endpoint-service lookups, the endpoint lifecycle, quota, and upstream error codes in
 * both of VPCEP's error body shapes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudError } from '../src/cloud/errors.ts';
import { HttpIamClient, requestPasswordToken } from '../src/cloud/iam.ts';
import type { Endpoint } from '../src/cloud/ports.ts';
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
import { startSimulator } from '../src/simulator/index.ts';

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

const SETTLE_DELAY_MS = 20;
/** Polls of a creating endpoint before the test gives up. With a 20 ms settle delay a few suffice. */
const MAX_POLLS = 200;

let simulator: Simulator;
let iam: HttpIamClient;
let vpcep: HttpVpcepClient;
let demoToken: string;

/** Every CloudError the tests provoke, checked at the end for leaked secrets. */
const seenErrors: CloudError[] = [];

function vpcepFor(endpoint: string, accessKey = PLATFORM_ACCESS_KEY): HttpVpcepClient {
  return new HttpVpcepClient({ endpoint, projectId: PLATFORM_ACCOUNT.projectId, accessKey });
}

async function cloudError(promise: Promise<unknown>): Promise<CloudError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CloudError, `expected CloudError, got ${String(error)}`);
    seenErrors.push(error);
    return error;
  }
  assert.fail('expected the call to fail');
}

async function waitWhileCreating(id: string): Promise<Endpoint> {
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    const endpoint = await vpcep.getEndpoint(id);
    if (endpoint.status !== 'creating') return endpoint;
    await sleep(SETTLE_DELAY_MS);
  }
  assert.fail(`endpoint ${id} still creating after ${MAX_POLLS} polls`);
}

function demoPasswordToken(endpoint: string, password = DEMO_ACCOUNT.password) {
  return requestPasswordToken({
    endpoint,
    domainName: DEMO_ACCOUNT.domainName,
    userName: DEMO_ACCOUNT.userName,
    password,
    projectName: 'cn-north-4',
  });
}

before(async () => {
  simulator = await startSimulator({ port: 0, endpointSettleDelayMs: SETTLE_DELAY_MS });
  iam = new HttpIamClient({ endpoint: simulator.url, accessKey: PLATFORM_ACCESS_KEY });
  vpcep = vpcepFor(simulator.url);
  demoToken = (await demoPasswordToken(simulator.url)).token;
});

after(async () => {
  await iam?.close();
  await vpcep?.close();
  await simulator?.close();
});

describe('iam client', () => {
  test('password token for demo', async () => {
    const result = await demoPasswordToken(simulator.url);
    assert.ok(result.token.length > 0);
    assert.equal(result.info.userId, DEMO_ACCOUNT.userId);
    assert.ok(result.expiresAt.getTime() > Date.now());
  });

  test('wrong password is 401', async () => {
    const error = await cloudError(demoPasswordToken(simulator.url, 'not-the-password'));
    assert.equal(error.kind, 'http');
    assert.equal(error.httpStatus, 401);
    assert.ok(!error.message.includes('not-the-password'), 'message contains the password');
  });

  test('validateToken maps demo user', async () => {
    const info = await iam.validateToken(demoToken);
    assert.equal(info.userId, DEMO_ACCOUNT.userId);
    assert.equal(info.userName, DEMO_ACCOUNT.userName);
    assert.equal(info.domainId, DEMO_ACCOUNT.domainId);
    assert.equal(info.domainName, DEMO_ACCOUNT.domainName);
    assert.equal(info.projectId, DEMO_ACCOUNT.projectId);
    assert.equal(info.projectName, 'cn-north-4');
    assert.ok(info.expiresAt.getTime() > Date.now());
  });

  test('invalid token rejected', async () => {
    const error = await cloudError(iam.validateToken('MIIinvalid-token-value'));
    assert.equal(error.kind, 'http');
    assert.ok(error.httpStatus === 404 || error.httpStatus === 401, `status ${error.httpStatus}`);
  });

  test('wrong secret key is 401', async () => {
    const client = new HttpIamClient({
      endpoint: simulator.url,
      accessKey: { ...PLATFORM_ACCESS_KEY, secretAccessKey: 'wrong-secret-key-0123456789' },
    });
    const error = await cloudError(client.validateToken(demoToken));
    await client.close();

    assert.equal(error.kind, 'http');
    assert.equal(error.httpStatus, 401);
  });
});

describe('vpcep client', () => {
  const autoName = serviceName(DEMO_SERVICES.auto);

  test('describe by name', async () => {
    const service = await vpcep.describeServiceByName(autoName);
    assert.equal(service.id, DEMO_SERVICES.auto.id);
    assert.equal(service.serviceName, autoName);
    assert.equal(service.serviceType, 'interface');
  });

  test('describe by id', async () => {
    const service = await vpcep.describeServiceById(DEMO_SERVICES.private.id);
    assert.equal(service.serviceName, serviceName(DEMO_SERVICES.private));
  });

  test('describe unknown name', async () => {
    const error = await cloudError(
      vpcep.describeServiceByName('cn-north-4.nothing.00000000-0000-4000-8000-000000000000'),
    );
    assert.equal(error.kind, 'http');
    assert.ok(error.code, 'code missing');
    assert.ok(error.requestId, 'request id missing');
  });

  test('create, list and delete', async () => {
    const created = await vpcep.createEndpoint({
      endpointServiceId: DEMO_SERVICES.auto.id,
      vpcId: PLATFORM_VPC_ID,
      subnetId: PLATFORM_SUBNET_ID,
      tags: [{ key: 'vpcep-connect', value: 'clients-test' }],
      description: 'clients test',
    });
    assert.equal(created.endpointServiceId, DEMO_SERVICES.auto.id);
    assert.deepEqual(created.tags, [{ key: 'vpcep-connect', value: 'clients-test' }]);

    const settled = await waitWhileCreating(created.id);
    assert.equal(settled.status, 'accepted');
    assert.equal(settled.vpcId, PLATFORM_VPC_ID);
    assert.deepEqual(settled.errors, []);

    const listed = await vpcep.listEndpoints({ id: created.id });
    assert.deepEqual(
      listed.endpoints.map((endpoint) => endpoint.id),
      [created.id],
    );
    assert.equal(listed.totalCount, 1);

    const byName = await vpcep.listEndpoints({
      endpointServiceName: autoName,
      vpcId: PLATFORM_VPC_ID,
      limit: 10,
    });
    assert.ok(byName.endpoints.some((endpoint) => endpoint.id === created.id));

    await vpcep.deleteEndpoint(created.id);
    const afterDelete = await vpcep.getEndpoint(created.id).catch((error: unknown) => error);
    if (afterDelete instanceof CloudError) assert.equal(afterDelete.httpStatus, 404);
    else assert.equal((afterDelete as Endpoint).status, 'deleting');
  });

  test('private service is EndPoint.2012', async () => {
    const error = await cloudError(
      vpcep.createEndpoint({
        endpointServiceId: DEMO_SERVICES.private.id,
        vpcId: PLATFORM_VPC_ID,
        subnetId: PLATFORM_SUBNET_ID,
        tags: [],
      }),
    );
    assert.equal(error.kind, 'http');
    assert.equal(error.httpStatus, 400);
    assert.equal(error.code, 'EndPoint.2012');
  });

  test('wrong secret key is APIGW.0301', async () => {
    const client = vpcepFor(simulator.url, {
      ...PLATFORM_ACCESS_KEY,
      secretAccessKey: 'wrong-secret-key-0123456789',
    });
    const error = await cloudError(client.getEndpointQuota());
    await client.close();

    assert.equal(error.httpStatus, 401);
    assert.equal(error.code, 'APIGW.0301');
    assert.ok(error.requestId, 'request id missing');
  });

  test('get unknown endpoint is 404', async () => {
    const error = await cloudError(vpcep.getEndpoint('00000000-0000-4000-8000-000000000000'));
    assert.equal(error.httpStatus, 404);
  });

  test('quota reads endpoint entry', async () => {
    const quota = await vpcep.getEndpointQuota();
    assert.ok(quota.quota > 0, `quota ${quota.quota}`);
    assert.ok(quota.used >= 0, `used ${quota.used}`);
    assert.ok(quota.used <= quota.quota, `used ${quota.used} of ${quota.quota}`);
  });
});

describe('error body shapes', () => {
  test('flat and nested same code', async () => {
    const codes: Array<string | undefined> = [];
    for (const errorShape of ['flat', 'nested'] as const) {
      const shaped = await startSimulator({ port: 0, endpointSettleDelayMs: SETTLE_DELAY_MS, errorShape });
      const client = vpcepFor(shaped.url);
      try {
        const error = await cloudError(
          client.createEndpoint({
            endpointServiceId: DEMO_SERVICES.private.id,
            vpcId: PLATFORM_VPC_ID,
            subnetId: PLATFORM_SUBNET_ID,
            tags: [],
          }),
        );
        codes.push(error.code);
      } finally {
        await client.close();
        await shaped.close();
      }
    }
    assert.deepEqual(codes, ['EndPoint.2012', 'EndPoint.2012']);
  });
});

describe('secrets in errors', () => {
  test('no secret in any message', () => {
    assert.ok(seenErrors.length >= 5, `only ${seenErrors.length} errors seen`);
    const secrets = [PLATFORM_ACCESS_KEY.accessKeyId, PLATFORM_ACCESS_KEY.secretAccessKey, demoToken];
    for (const error of seenErrors) {
      for (const secret of secrets) {
        assert.ok(!error.message.includes(secret), `${error.operation} message contains a secret`);
      }
      assert.doesNotMatch(error.message, /Signature=[0-9a-f]{64}/);
    }
  });
});
