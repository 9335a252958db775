/**
 * A whole vpcep-connect stack for API tests: the simulator on a loopback port, a SQLite store in a
 * temporary folder (or a PostgreSQL database), and the service built by the same composition root as
 * `npm start`. Requests go through `app.inject`; the service's own upstream calls cross real sockets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { DEMO_WORKSPACE_ID, seedDemoWorkspace, simulatorCloudSettings } from '../../src/cli/demo-setup.ts';
import { buildService } from '../../src/cli/service.ts';
import { requestPasswordToken } from '../../src/cloud/iam.ts';
import { type CloudSettings, loadConfig } from '../../src/config.ts';
import type { WorkflowDeps } from '../../src/connections/deps.ts';
import { runSyncPass, type SyncPassResult } from '../../src/connections/sync.ts';
import { DEMO_ACCOUNT, DEMO_REGION, type DemoAccount } from '../../src/simulator/demo.ts';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestSchema } from './postgres.ts';

export interface HarnessOptions {
  simulator?: SimulatorOptions;
  /** Overrides the endpoints the service's clients use, to point them at a failing server. */
  iamEndpoint?: string;
  vpcepEndpoint?: string;
  databaseUrl?: string;
  endpointWaitMs?: number;
  upstreamTimeoutMs?: number;
  /** Further settings, as environment variables (such as LEASE_MS). */
  env?: Record<string, string>;
  /** The service's logger; silent by default. */
  logger?: Logger;
}

export interface Harness {
  app: FastifyInstance;
  simulator: RunningSimulator;
  store: Store;
  cloud: CloudSettings;
  workflow: WorkflowDeps;
  /** Runs one status sync pass, with the orphan sweep. */
  syncOnce(): Promise<SyncPassResult>;
  workspaceId: string;
  projectId: string;
  /** A project-scoped token of the demo user. */
  token: string;
  tokenFor(account: DemoAccount, projectName?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the stack. The store is SQLite unless `databaseUrl` is given, or unless the test script's
 * PostgreSQL pass sets VPCEP_TEST_STORE=postgres, which gives each harness a schema of its own.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const schema =
    !options.databaseUrl && process.env.VPCEP_TEST_STORE === 'postgres'
      ? await createTestSchema('harness')
      : undefined;
  const databaseUrl = options.databaseUrl ?? schema?.url;
  const simulator = await startSimulator({ port: 0, endpointSettleDelayMs: 20, ...options.simulator });
  const dataDir = await mkdtemp(join(tmpdir(), 'vpcep-connect-test-'));
  const timeout = String(options.upstreamTimeoutMs ?? 5000);
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REGION: DEMO_REGION,
    UPSTREAM_CONNECT_TIMEOUT_MS: timeout,
    UPSTREAM_RESPONSE_TIMEOUT_MS: timeout,
    ENDPOINT_WAIT_MS: String(options.endpointWaitMs ?? 5000),
    ...options.env,
  });
  const simulated = simulatorCloudSettings(simulator.url);
  const cloud: CloudSettings = {
    ...simulated,
    iamEndpoint: options.iamEndpoint ?? simulated.iamEndpoint,
    vpcepEndpoint: options.vpcepEndpoint ?? simulated.vpcepEndpoint,
  };

  const service = await buildService(config, cloud, options.logger ?? pino({ level: 'silent' }));
  await seedDemoWorkspace(service.store.db, Date.now());
  await service.app.ready();

  const tokenFor = async (account: DemoAccount, projectName = DEMO_REGION) => {
    const issued = await requestPasswordToken({
      endpoint: simulator.url,
      domainName: account.domainName,
      userName: account.userName,
      password: account.password,
      projectName,
    });
    return issued.token;
  };

  return {
    app: service.app,
    simulator,
    store: service.store,
    cloud,
    workflow: service.workflow,
    syncOnce: () => runSyncPass(service.workflow, config.sync, { sweepOrphans: true }),
    workspaceId: DEMO_WORKSPACE_ID,
    projectId: DEMO_ACCOUNT.projectId,
    token: await tokenFor(DEMO_ACCOUNT),
    tokenFor,
    async close() {
      await service.close();
      await simulator.close();
      await rm(dataDir, { recursive: true, force: true });
      await schema?.drop();
    },
  };
}

/** Sends `POST /v1/{project}/connections/vpc-endpoint` as the demo user unless `headers` override it. */
export function postConnection(
  harness: Harness,
  body: unknown,
  headers: Record<string, string | undefined> = {},
  projectId = harness.projectId,
) {
  const defaults = {
    'x-auth-token': harness.token,
    'x-workspace-id': harness.workspaceId,
    'content-type': 'application/json',
  };
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...defaults, ...headers })) {
    if (value !== undefined) merged[name] = value;
  }
  return harness.app.inject({
    method: 'POST',
    url: `/v1/${projectId}/connections/vpc-endpoint`,
    headers: merged,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Sends an API request as the demo user, in the demo workspace unless `headers` override it. */
export function callApi(
  harness: Harness,
  method: 'GET' | 'DELETE',
  path: string,
  headers: Record<string, string | undefined> = {},
) {
  const defaults = { 'x-auth-token': harness.token, 'x-workspace-id': harness.workspaceId };
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...defaults, ...headers })) {
    if (value !== undefined) merged[name] = value;
  }
  return harness.app.inject({ method, url: `/v1/${harness.projectId}${path}`, headers: merged });
}

/** Returns true when the simulator is deleting the endpoint or has finished deleting it. */
export function isDeletedUpstream(harness: Harness, endpointId: string): boolean {
  const endpoint = harness.simulator.state.endpoints.get(endpointId);
  return endpoint === undefined || endpoint.status === 'deleting';
}
