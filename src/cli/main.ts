/**
 * Command line entry: `start` runs the service (with the simulator unless cloud endpoints are set),
 * `sim` runs the simulator alone, `migrate` and `sync --once` are one-off operator tasks. Settings come
 * from environment variables (see the README); the global flags set the most common ones and win over
 * the environment.
 */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { runSyncPass } from '../connections/sync.ts';
import { CUSTOMER_ACCOUNT, DEMO_ACCOUNT } from '../simulator/demo.ts';
import { startSimulator } from '../simulator/index.ts';
import { openDatabase } from '../store/index.ts';
import { startBanner } from './banner.ts';
import { createLogger } from './logger.ts';
import { buildService, displayHost, startService } from './service.ts';

const program = new Command()
  .name('vpcep-connect')
  .description("Verify a customer's VPC endpoint service and create a VPC endpoint to it.")
  .option('--host <address>', 'address to listen on (HOST)')
  .option('--port <port>', 'API port (PORT)')
  .option('--sim-port <port>', 'simulator port (SIM_PORT)')
  .option('--data-dir <folder>', 'folder of the SQLite database (DATA_DIR)')
  .option('--database-url <url>', 'PostgreSQL URL instead of SQLite (DATABASE_URL)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (LOG_LEVEL)')
  .configureHelp({ showGlobalOptions: true });

/** The settings the global flags give, by environment variable name. */
const FLAG_SETTINGS: Record<string, string> = {
  host: 'HOST',
  port: 'PORT',
  simPort: 'SIM_PORT',
  dataDir: 'DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  logLevel: 'LOG_LEVEL',
};

program
  .command('start')
  .description('Start the API; without IAM_ENDPOINT and VPCEP_ENDPOINT, start the simulator beside it.')
  .action(async () => {
    const config = loadConfigOrExit();
    const logger = createLogger(config.logLevel);
    const service = await startService(config, logger);
    process.stdout.write(startBanner(service.url, service.simulator?.url, config.region));
    closeOnSignal(() => service.close(), config.shutdownTimeoutMs);
  });

program
  .command('sim')
  .description('Start only the IAM and VPCEP simulator, on HOST:SIM_PORT.')
  .action(async () => {
    const config = loadConfigOrExit();
    const simulator = await startSimulator({
      host: config.host,
      port: config.simPort,
      region: config.region,
      endpointSettleDelayMs: config.simulatorSettleDelayMs,
    });
    const url = `http://${displayHost(config.host)}:${simulator.port}`;
    process.stdout.write(
      `IAM and VPCEP simulator on ${url} (region ${config.region}).\n` +
        `Demo user ${DEMO_ACCOUNT.userName} / ${DEMO_ACCOUNT.password}, customer ${CUSTOMER_ACCOUNT.userName} / ${CUSTOMER_ACCOUNT.password}.\n`,
    );
    closeOnSignal(() => simulator.close(), config.shutdownTimeoutMs);
  });

program
  .command('sync')
  .description('Run one status sync pass against the configured cloud, with an orphan sweep, and exit.')
  .requiredOption('--once', 'run one pass and exit; the service itself runs the sync in a loop')
  .action(async () => {
    const config = loadConfigOrExit();
    if (!config.cloud) {
      process.stderr.write(
        'sync needs the cloud settings IAM_ENDPOINT, VPCEP_ENDPOINT, HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, PLATFORM_PROJECT_ID, PLATFORM_DOMAIN_ID, PLATFORM_VPC_ID and PLATFORM_SUBNET_ID; with the embedded simulator the sync runs inside npm start.\n',
      );
      process.exit(2);
    }
    const logger = createLogger(config.logLevel);
    const service = await buildService(config, config.cloud, logger);
    try {
      const result = await runSyncPass(service.workflow, config.sync, { sweepOrphans: true });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      await service.close();
    }
  });

program
  .command('migrate')
  .description('Apply pending database migrations to DATABASE_URL (or the SQLite file in DATA_DIR) and exit.')
  .action(async () => {
    const config = loadConfigOrExit();
    const logger = createLogger(config.logLevel);
    // Kysely's migrator holds a lock while it works, so replicas migrating at once apply each step once.
    const store = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    await store.close();
    const target = config.databaseUrl
      ? postgresTarget(config.databaseUrl)
      : `${config.dataDir}/vpcep-connect.sqlite`;
    process.stdout.write(`The database ${target} is at the latest schema.\n`);
  });

/** Host, port and database of a PostgreSQL URL, without the user or password. */
function postgresTarget(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

function loadConfigOrExit() {
  const flags = program.opts<Record<string, string | undefined>>();
  const fromFlags = Object.fromEntries(
    Object.entries(FLAG_SETTINGS).flatMap(([flag, name]) =>
      flags[flag] === undefined ? [] : [[name, flags[flag]]],
    ),
  );
  try {
    return loadConfig({ ...process.env, ...fromFlags });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Closes on SIGINT or SIGTERM; a close that takes longer than `timeoutMs` ends the process anyway. */
function closeOnSignal(close: () => Promise<void>, timeoutMs: number): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`Received ${signal}, shutting down.\n`);
    setTimeout(() => {
      process.stderr.write(
        `Shutdown did not finish within ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting.\n`,
      );
      process.exit(1);
    }, timeoutMs).unref();
    close().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`Shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

program.parseAsync().catch((error: Error) => {
  process.stderr.write(`vpcep-connect failed to start: ${error.message}\n`);
  process.exit(1);
});
