import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO_SERVICES } from '../src/simulator/demo.ts';
import { type RunningSimulator, startSimulator } from '../src/simulator/index.ts';
import {
  type ChildService,
  createConnection,
  defaultWorkspace,
  demoToken,
  serviceEnv,
  startChild,
} from './support/child-service.ts';

describe('SIGTERM during a create', () => {
  let simulator: RunningSimulator;
  let dataDir: string;
  let service: ChildService;

  before(async () => {
    simulator = await startSimulator({ port: 0, endpointSettleDelayMs: 20 });
    dataDir = await mkdtemp(join(tmpdir(), 'vpcep-connect-shutdown-'));
    service = await startChild(
      serviceEnv(simulator, { dataDir }, { LOG_LEVEL: 'info', SYNC_INTERVAL_MS: '200' }),
    );
  });
  after(async () => {
    service.child.kill('SIGKILL');
    await simulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('finishes the request, then stops', async () => {
    const token = await demoToken(simulator);
    const workspaceId = await defaultWorkspace(service.url, token);
    const slowCreate = simulator.faults.add({ operations: ['CreateEndpoint'], latencyMs: 1500 });
    const exited = new Promise<number | null>((resolve) =>
      service.child.once('exit', (code) => resolve(code)),
    );

    const pending = createConnection(service.url, token, workspaceId, {
      ds_type: 'DWS',
      vpc_ep_server_id: DEMO_SERVICES.auto.id,
    });
    while (slowCreate.hits === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    service.child.kill('SIGTERM');
    const response = await pending;

    assert.equal(response.status, 200);
    assert.equal((await response.json()).vpc_ep_client_status, 'accepted');
    assert.equal(await exited, 0);
    assert.match(service.output(), /"msg":"vpcep-connect stopping"/);
    assert.match(service.output(), /"msg":"vpcep-connect stopped"/);
    await assert.rejects(fetch(`${service.url}/healthz`), 'a stopped service takes no requests');
  });
});
