/**
 * Kills the service with SIGKILL at each step of a create, restarts it and runs one sync pass. Then
 * every endpoint tagged by vpcep-connect must be recorded by a live connection or deleted, no
 * reservation may be left, and no connection may have two live endpoints.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CONNECTION_ID_TAG } from '../src/connections/tags.ts';
import { DEMO_SERVICES } from '../src/simulator/demo.ts';
import { type RunningSimulator, startSimulator } from '../src/simulator/index.ts';
import { openDatabase } from '../src/store/index.ts';
import {
  CLI,
  createConnection,
  defaultWorkspace,
  demoToken,
  serviceEnv,
  startChild,
} from './support/child-service.ts';
import { createTestSchema, skipUnlessPostgres } from './support/postgres.ts';

const run = promisify(execFile);
const BODY = { ds_type: 'DWS', vpc_ep_server_id: DEMO_SERVICES.approval.id };
const LEASE_MS = 300;
const STEPS = [
  'create.after-reserve',
  'create.after-endpoint-create',
  'create.during-wait',
  'create.before-commit',
];

/** Endpoints that carry our tag and are not being deleted, by connection id. */
function taggedLiveEndpoints(simulator: RunningSimulator): Map<string, string[]> {
  const byConnection = new Map<string, string[]>();
  for (const endpoint of simulator.state.endpoints.values()) {
    const connectionId = endpoint.tags.find((tag) => tag.key === CONNECTION_ID_TAG)?.value;
    if (!connectionId || endpoint.status === 'deleting') continue;
    byConnection.set(connectionId, [...(byConnection.get(connectionId) ?? []), endpoint.id]);
  }
  return byConnection;
}

async function crashAndRecover(step: string, databaseUrl: string | undefined): Promise<void> {
  // A slow settle keeps the endpoint `creating` long enough for the wait to poll it.
  const simulator = await startSimulator({ port: 0, endpointSettleDelayMs: 400 });
  const dataDir = await mkdtemp(join(tmpdir(), 'vpcep-connect-crash-'));
  const env = serviceEnv(
    simulator,
    { dataDir, databaseUrl },
    {
      LEASE_MS: String(LEASE_MS),
      SYNC_INTERVAL_MS: '0',
      UPSTREAM_MAX_ATTEMPTS: '1',
    },
  );
  try {
    const token = await demoToken(simulator);

    // Crash the create at the step, then run one sync pass once the dead process's lease has run out.
    const crashing = await startChild({ ...env, VPCEP_CONNECT_FAILPOINTS: step });
    const workspaceId = await defaultWorkspace(crashing.url, token);
    const exited = new Promise((resolve) => crashing.child.once('exit', (_code, signal) => resolve(signal)));
    await assert.rejects(createConnection(crashing.url, token, workspaceId, BODY));
    assert.equal(await exited, 'SIGKILL');

    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 200));
    const { stdout } = await run(process.execPath, [...CLI, 'sync', '--once'], { env });
    assert.match(stdout, /"claimed":/);
    await assertRecovered(simulator, { dataDir, databaseUrl });

    // The caller's retry then gets one connection with one endpoint.
    const restarted = await startChild(env);
    try {
      const retried = await createConnection(restarted.url, token, workspaceId, BODY);
      assert.equal(retried.status, 200);
      const record = await retried.json();
      assert.deepEqual(taggedLiveEndpoints(simulator).get(record.id), [record.vpc_ep_client_id]);
    } finally {
      restarted.child.kill('SIGTERM');
    }
  } finally {
    await simulator.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function assertRecovered(
  simulator: RunningSimulator,
  location: { dataDir: string; databaseUrl?: string },
) {
  const store = await openDatabase(location);
  try {
    const rows = await store.db.selectFrom('connections').selectAll().execute();
    assert.deepEqual(
      rows.filter((row) => row.phase === 'reserved'),
      [],
      'no reservation is left',
    );

    const live = taggedLiveEndpoints(simulator);
    for (const [connectionId, endpointIds] of live) {
      const row = rows.find((candidate) => candidate.id === connectionId);
      assert.equal(row?.phase, 'active', `endpoint ${endpointIds} is recorded by a live connection`);
      assert.deepEqual(endpointIds, [row?.vpc_ep_client_id], 'one live endpoint per connection');
    }
    for (const row of rows.filter((candidate) => candidate.phase === 'active')) {
      assert.ok(
        live.get(row.id)?.includes(row.vpc_ep_client_id ?? ''),
        `connection ${row.id} has its endpoint`,
      );
    }
  } finally {
    await store.close();
  }
}

describe('crash during a create on SQLite', { concurrency: true }, () => {
  for (const step of STEPS) {
    test(`killed at ${step}`, () => crashAndRecover(step, undefined));
  }
});

describe('crash during a create on PostgreSQL', {
  concurrency: true,
  skip: await skipUnlessPostgres(),
}, () => {
  for (const step of STEPS) {
    test(`killed at ${step}`, async () => {
      const schema = await createTestSchema('crash');
      try {
        await crashAndRecover(step, schema.url);
      } finally {
        await schema.drop();
      }
    });
  }
});
