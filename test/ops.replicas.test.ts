/**
 * Tests several replicas on one PostgreSQL database, each a separate `vpcep-connect start` process.
 * Identical creates spread across them make one endpoint. The status sync survives a replica killed in
 * the middle of a batch, and two replicas never check one connection at once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEMO_ACCOUNT, DEMO_SERVICES, PLATFORM_ACCOUNT } from '../src/simulator/demo.ts';
import { type RunningSimulator, startSimulator } from '../src/simulator/index.ts';
import { openDatabase } from '../src/store/index.ts';
import { insertWorkspace } from '../src/store/workspaces.ts';
import {
  type ChildService,
  createConnection,
  defaultWorkspace,
  demoToken,
  serviceEnv,
  startChild,
  stopChild,
} from './support/child-service.ts';
import { createTestSchema, skipUnlessPostgres, type TestSchema } from './support/postgres.ts';

const skip = await skipUnlessPostgres();

interface Cluster {
  simulator: RunningSimulator;
  schema: TestSchema;
  replicas: ChildService[];
  close(): Promise<void>;
}

/** Starts a simulator and `count` replicas at the same moment on a fresh schema, so they migrate together. */
async function startCluster(count: number, settings: Record<string, string>): Promise<Cluster> {
  const simulator = await startSimulator({ port: 0, endpointSettleDelayMs: 50 });
  const schema = await createTestSchema('replicas');
  const dataDir = await mkdtemp(join(tmpdir(), 'vpcep-connect-replicas-'));
  const env = serviceEnv(simulator, { dataDir, databaseUrl: schema.url }, settings);
  const replicas = await Promise.all(Array.from({ length: count }, () => startChild(env)));

  return {
    simulator,
    schema,
    replicas,
    async close() {
      await Promise.all(replicas.map(stopChild));
      await simulator.close();
      await schema.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe('three replicas on PostgreSQL', { skip }, () => {
  let cluster: Cluster;
  after(() => cluster?.close());

  test('100 identical creates make one endpoint', async () => {
    cluster = await startCluster(3, { SYNC_INTERVAL_MS: '0' });
    const token = await demoToken(cluster.simulator);
    const workspaceId = await defaultWorkspace(cluster.replicas[0].url, token);
    const body = { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.auto.id };

    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        createConnection(cluster.replicas[index % 3].url, token, workspaceId, body),
      ),
    );
    const records = await Promise.all(responses.map((response) => response.json()));

    assert.deepEqual([...new Set(responses.map((response) => response.status))], [200]);
    assert.equal(new Set(records.map((record) => record.id)).size, 1);
    const endpoints = [...cluster.simulator.state.endpoints.values()].filter(
      (endpoint) => endpoint.projectId === PLATFORM_ACCOUNT.projectId && endpoint.status !== 'deleting',
    );
    assert.equal(endpoints.length, 1);
    assert.equal(endpoints[0].id, records[0].vpc_ep_client_id);
  });
});

describe('replica killed during a sync batch', { skip }, () => {
  let cluster: Cluster;
  after(() => cluster?.close());

  test('others finish the work, one at a time', async () => {
    cluster = await startCluster(3, {
      SYNC_INTERVAL_MS: '100',
      SYNC_BATCH_SIZE: '4',
      SYNC_MAX_CALLS_PER_SECOND: '100',
      LEASE_MS: '1500',
    });
    const rows = 24;
    const connectionIds = await createPendingConnections(cluster, rows);

    // Every endpoint read is slow and watched: a second read of an endpoint while one is in flight
    // means two replicas work on one connection at once.
    const inFlight = new Set<string>();
    let overlaps = 0;
    cluster.simulator.state.faultHook = {
      async before(context) {
        if (context.operation !== 'ListEndpointInfoDetails') return;
        const id = (context.request.params as { endpointId: string }).endpointId;
        if (inFlight.has(id)) overlaps += 1;
        inFlight.add(id);
        await new Promise((resolve) => setTimeout(resolve, 300));
      },
      after(context, result) {
        if (context.operation === 'ListEndpointInfoDetails') {
          inFlight.delete((context.request.params as { endpointId: string }).endpointId);
        }
        return result;
      },
    };

    const store = await openDatabase({ databaseUrl: cluster.schema.url, dataDir: tmpdir(), migrate: false });
    try {
      const startedAt = Date.now();
      await store.db.updateTable('connections').set({ next_check_at: 0 }).execute();

      const victim = cluster.replicas[1];
      await waitFor(async () => {
        const leased = await store.db
          .selectFrom('connections')
          .select('id')
          .where('lease_owner', 'like', `%-${victim.child.pid}-%`)
          .execute();
        return leased.length > 0;
      }, 'the victim to claim a batch');
      victim.child.kill('SIGKILL');

      await waitFor(async () => {
        const checked = await store.db
          .selectFrom('connections')
          .select('id')
          .where('id', 'in', connectionIds)
          .where('status_checked_at', '>=', startedAt)
          .execute();
        return checked.length === rows;
      }, 'every connection to be checked');
    } finally {
      await store.close();
    }

    assert.equal(overlaps, 0);
  });
});

/** Creates `count` connections to the approval service, one per workspace, so each stays pending. */
async function createPendingConnections(cluster: Cluster, count: number): Promise<string[]> {
  const store = await openDatabase({ databaseUrl: cluster.schema.url, dataDir: tmpdir(), migrate: false });
  const workspaceIds = Array.from(
    { length: count },
    (_, index) => `${index.toString(16).padStart(2, '0')}${'a'.repeat(30)}`,
  );
  try {
    for (const [index, id] of workspaceIds.entries()) {
      await insertWorkspace(store.db, {
        id,
        projectId: DEMO_ACCOUNT.projectId,
        domainId: DEMO_ACCOUNT.domainId,
        name: `workspace-${index}`,
        description: '',
        isDefault: false,
        createTime: 1,
        createUser: DEMO_ACCOUNT.userId,
        updateTime: 1,
        updateUser: DEMO_ACCOUNT.userId,
      });
    }
  } finally {
    await store.close();
  }

  const token = await demoToken(cluster.simulator);
  const body = { ds_type: 'MySQL', vpc_ep_server_id: DEMO_SERVICES.approval.id };
  const records = await Promise.all(
    workspaceIds.map(async (workspaceId, index) => {
      const response = await createConnection(cluster.replicas[index % 3].url, token, workspaceId, body);
      assert.equal(response.status, 200);
      return response.json();
    }),
  );
  return records.map((record) => record.id);
}

/** Polls `condition` every 100 ms; fails after 30 s, naming what it waited for. */
async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
