/**
 * The composition root: builds the clients, the store and the HTTP app from one Config, and starts the
 * simulator beside them when no cloud endpoints are configured.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { HttpIamClient } from '../cloud/iam.ts';
import { HttpVpcepClient } from '../cloud/vpcep.ts';
import type { CloudSettings, Config } from '../config.ts';
import type { WorkflowDeps } from '../connections/deps.ts';
import { StatusSyncLoop } from '../connections/sync.ts';
import { configureFailpoints } from '../failpoints.ts';
import { buildApp } from '../server/app.ts';
import { ServiceMetrics } from '../server/metrics.ts';
import { ReadinessChecks } from '../server/readiness.ts';
import { withRequestId } from '../server/request-context.ts';
import { type RunningSimulator, startSimulator } from '../simulator/index.ts';
import { openDatabase, type Store } from '../store/index.ts';
import { seedDemoWorkspace, simulatorCloudSettings } from './demo-setup.ts';

export interface Service {
  app: FastifyInstance;
  store: Store;
  workflow: WorkflowDeps;
  /** Closes the app, the upstream connection pools and the store. */
  close(): Promise<void>;
}

export interface RunningService {
  /** Base URL of the API, such as http://127.0.0.1:8080. */
  url: string;
  app: FastifyInstance;
  /** Present when the simulator replaces IAM and VPCEP. */
  simulator?: RunningSimulator;
  close(): Promise<void>;
}

/** Builds the app on `cloud` without listening; `startService` and the tests share it. */
export async function buildService(config: Config, cloud: CloudSettings, logger: Logger): Promise<Service> {
  if (!config.databaseUrl) await checkDataDir(config.dataDir);
  const store = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.database.poolMax,
    statementTimeoutMs: config.database.statementTimeoutMs,
    migrate: config.database.migrateOnStart,
    logger,
  });

  const timeouts = {
    connectTimeout: config.upstream.connectTimeoutMs,
    headersTimeout: config.upstream.responseTimeoutMs,
    bodyTimeout: config.upstream.responseTimeoutMs,
  };
  const retry = { maxAttempts: config.upstream.maxAttempts };
  const metrics = new ServiceMetrics({ db: store.db, logger });
  const upstreamLogger = withRequestId(logger.child({ component: 'upstream' }));
  const iam = new HttpIamClient({
    endpoint: cloud.iamEndpoint,
    accessKey: cloud.accessKey,
    timeouts,
    retry,
    logger: upstreamLogger,
    observer: metrics.transportObserver,
  });
  const vpcep = new HttpVpcepClient({
    endpoint: cloud.vpcepEndpoint,
    projectId: cloud.platformProjectId,
    accessKey: cloud.accessKey,
    timeouts,
    retry,
    logger: upstreamLogger,
    observer: metrics.transportObserver,
  });

  const workflow: WorkflowDeps = {
    db: store.db,
    vpcep,
    platform: {
      region: config.region,
      domainId: cloud.platformDomainId,
      vpcId: cloud.vpcId,
      subnetId: cloud.subnetId,
    },
    endpointWaitMs: config.endpointWaitMs,
    lifecycle: config.lifecycle,
    processId: processId(),
    clock: Date.now,
    logger,
    syncObserver: metrics.syncObserver,
  };
  const readiness = new ReadinessChecks({
    db: store.db,
    endpoints: { iam: cloud.iamEndpoint, vpcep: cloud.vpcepEndpoint },
    logger,
  });
  const app = await buildApp({ iam, logger, workflow, metrics, readiness });

  return {
    app,
    store,
    workflow,
    async close() {
      await app.close();
      await Promise.all([iam.close(), vpcep.close()]);
      await store.close();
    },
  };
}

/** Starts the simulator when needed, then the service, and listens on HOST:PORT. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const simulator = config.cloud ? undefined : await startEmbeddedSimulator(config);
  const cloud = config.cloud ?? simulatorCloudSettings(simulator!.url);

  configureFailpoints(config.failpoints);
  let service: Service;
  try {
    service = await buildService(config, cloud, logger);
    if (simulator) await seedDemoWorkspace(service.store.db, Date.now());
    await listen(service.app, config);
  } catch (error) {
    await simulator?.close();
    throw error;
  }
  const sync = new StatusSyncLoop(service.workflow, config.sync);
  sync.start();
  logger.info(
    {
      port: listeningPort(service.app, config.port),
      store: service.store.dialect,
      simulator: simulator?.url,
    },
    'vpcep-connect started',
  );

  return {
    url: `http://${displayHost(config.host)}:${listeningPort(service.app, config.port)}`,
    app: service.app,
    simulator,
    async close() {
      // Stop taking requests and finish those in flight, then the sync batch, then the pools.
      logger.info({}, 'vpcep-connect stopping');
      await closeServer(service.app);
      await sync.stop();
      await service.close();
      await simulator?.close();
      logger.info({}, 'vpcep-connect stopped');
    },
  };
}

async function startEmbeddedSimulator(config: Config): Promise<RunningSimulator> {
  try {
    return await startSimulator({
      host: config.host,
      port: config.simPort,
      region: config.region,
      endpointSettleDelayMs: config.simulatorSettleDelayMs,
    });
  } catch (error) {
    const reason = (error as Error).message;
    throw new Error(
      `cannot start the simulator on HOST ${config.host} and SIM_PORT ${config.simPort}: ${reason}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Stops accepting connections and waits for in-flight requests. A keep-alive connection whose request
 * was in flight becomes idle only after Fastify closed the idle ones, and would hold the server open for
 * the whole keep-alive timeout, so idle connections are closed again until the server has closed.
 */
async function closeServer(app: FastifyInstance): Promise<void> {
  const sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
  try {
    await app.close();
  } finally {
    clearInterval(sweeper);
  }
}

function listeningPort(app: FastifyInstance, fallback: number): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

/** Rejects a DATA_DIR that exists but is not a folder, with a message that names the setting. */
async function checkDataDir(dataDir: string): Promise<void> {
  const stats = await stat(dataDir).catch(() => undefined);
  if (stats && !stats.isDirectory()) {
    throw new Error(
      `DATA_DIR "${dataDir}" is a file, not a folder; set DATA_DIR to a folder for the SQLite database`,
    );
  }
}

async function listen(app: FastifyInstance, config: Config): Promise<void> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    const reason = (error as Error).message;
    throw new Error(`cannot listen on HOST ${config.host} and PORT ${config.port}: ${reason}`, {
      cause: error,
    });
  }
}

/** Returns a lease owner name unique to this process and readable in the database: host, pid and a random part. */
function processId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Returns the host to print in URLs: loopback for a wildcard listen address, which is reachable there. */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
