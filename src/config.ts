/**
 * The service's configuration, read once from the environment at start and validated as a whole, so a
 * misconfigured deployment fails at start with every problem listed instead of at the first request.
 *
 * Without cloud endpoints the service runs on embedded defaults: SQLite in `DATA_DIR` and the simulator
 * on `SIM_PORT`. Setting `IAM_ENDPOINT` and `VPCEP_ENDPOINT` switches to a real cloud, which then needs
 * the platform's AK/SK, project, domain, VPC and subnet too.
 */
import type { AccessKey } from './cloud/signer.ts';
import type { LifecycleSettings } from './connections/deps.ts';
import type { SyncSettings } from './connections/sync.ts';

export interface CloudSettings {
  iamEndpoint: string;
  vpcepEndpoint: string;
  accessKey: AccessKey;
  /** The platform's own project in the region: endpoints are created, read and deleted there. */
  platformProjectId: string;
  /** The platform's account; customers whitelist it as `iam:domain::<id>`. */
  platformDomainId: string;
  vpcId: string;
  subnetId: string;
}

export interface Config {
  host: string;
  port: number;
  simPort: number;
  dataDir: string;
  databaseUrl?: string;
  database: {
    /** PostgreSQL pool size per process. */
    poolMax: number;
    /** PostgreSQL statement timeout in milliseconds; 0 means none. */
    statementTimeoutMs: number;
    /** Whether `start` runs pending migrations; `migrate` runs them regardless. */
    migrateOnStart: boolean;
  };
  /** How long a stop may take to finish in-flight requests and the sync batch before the process exits. */
  shutdownTimeoutMs: number;
  region: string;
  logLevel: string;
  /** Undefined when no cloud endpoints are configured: the simulator then provides them. */
  cloud?: CloudSettings;
  upstream: {
    connectTimeoutMs: number;
    responseTimeoutMs: number;
    /** Attempts per upstream call; throttled calls and failed reads are retried with backoff. */
    maxAttempts: number;
  };
  /** How long a create waits for the new endpoint to leave `creating`. */
  endpointWaitMs: number;
  /** How long a new simulated endpoint stays `creating`. */
  simulatorSettleDelayMs: number;
  lifecycle: LifecycleSettings;
  sync: SyncSettings;
  /** Failpoints to arm, for crash-safety tests only. */
  failpoints: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the configuration; throws ConfigError listing every problem found. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const reader = new EnvReader(env, problems);

  const config: Config = {
    host: reader.string('HOST', '127.0.0.1'),
    port: reader.port('PORT', 8080),
    simPort: reader.port('SIM_PORT', 8081),
    dataDir: reader.string('DATA_DIR', './data'),
    databaseUrl: reader.optional('DATABASE_URL'),
    database: {
      poolMax: reader.integerSetting('DATABASE_POOL_MAX', 10, 1, 1000),
      statementTimeoutMs: reader.milliseconds('DATABASE_STATEMENT_TIMEOUT_MS', 10_000),
      migrateOnStart: reader.boolean('MIGRATE_ON_START', true),
    },
    shutdownTimeoutMs: reader.milliseconds('SHUTDOWN_TIMEOUT_MS', 20_000, 100),
    region: reader.string('REGION', 'cn-north-4'),
    logLevel: reader.string('LOG_LEVEL', 'info'),
    cloud: readCloudSettings(reader),
    upstream: {
      connectTimeoutMs: reader.milliseconds('UPSTREAM_CONNECT_TIMEOUT_MS', 3000),
      responseTimeoutMs: reader.milliseconds('UPSTREAM_RESPONSE_TIMEOUT_MS', 10000),
      maxAttempts: reader.integerSetting('UPSTREAM_MAX_ATTEMPTS', 4, 1, 10),
    },
    endpointWaitMs: reader.milliseconds('ENDPOINT_WAIT_MS', 30000),
    simulatorSettleDelayMs: reader.milliseconds('SIM_SETTLE_DELAY_MS', 1500),
    lifecycle: {
      leaseMs: reader.milliseconds('LEASE_MS', 15_000, 100),
      statusMaxAgeMs: reader.milliseconds('STATUS_MAX_AGE_MS', 30_000),
      creatingCheckMs: reader.milliseconds('CREATING_CHECK_MS', 5_000, 100),
      pendingCheckMinMs: reader.milliseconds('PENDING_CHECK_MIN_MS', 10_000, 100),
      pendingCheckMaxMs: reader.milliseconds('PENDING_CHECK_MAX_MS', 300_000, 100),
      acceptedCheckMs: reader.milliseconds('ACCEPTED_CHECK_MS', 300_000, 100),
      pendingExpiryMs: reader.milliseconds('PENDING_EXPIRY_MS', 14 * DAY_MS, 1000, 366 * DAY_MS),
    },
    sync: {
      intervalMs: reader.milliseconds('SYNC_INTERVAL_MS', 2_000),
      batchSize: reader.integerSetting('SYNC_BATCH_SIZE', 50, 1, 1000),
      maxCallsPerSecond: reader.integerSetting('SYNC_MAX_CALLS_PER_SECOND', 10, 1, 1000),
      orphanSweepIntervalMs: reader.milliseconds('ORPHAN_SWEEP_INTERVAL_MS', 300_000, 1000, 366 * DAY_MS),
    },
    failpoints: (reader.optional('VPCEP_CONNECT_FAILPOINTS') ?? '').split(',').filter(Boolean),
  };

  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(config.region)) {
    problems.push(
      `REGION "${config.region}" is not a region id such as cn-north-4 (lower-case letters, digits, hyphens)`,
    );
  }
  if (!config.cloud && config.port !== 0 && config.port === config.simPort) {
    problems.push(
      `PORT and SIM_PORT are both ${config.port}; the API and the simulator need different ports`,
    );
  }
  const { pendingCheckMinMs, pendingCheckMaxMs } = config.lifecycle;
  if (pendingCheckMinMs > pendingCheckMaxMs) {
    problems.push(
      `PENDING_CHECK_MIN_MS (${pendingCheckMinMs}) is larger than PENDING_CHECK_MAX_MS (${pendingCheckMaxMs})`,
    );
  }
  if (!LOG_LEVELS.includes(config.logLevel)) {
    problems.push(`LOG_LEVEL "${config.logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  if (config.databaseUrl && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://, or be unset for SQLite');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readCloudSettings(reader: EnvReader): CloudSettings | undefined {
  const iamEndpoint = reader.optional('IAM_ENDPOINT');
  const vpcepEndpoint = reader.optional('VPCEP_ENDPOINT');
  if (!iamEndpoint && !vpcepEndpoint) return undefined;

  return {
    iamEndpoint: reader.url('IAM_ENDPOINT'),
    vpcepEndpoint: reader.url('VPCEP_ENDPOINT'),
    accessKey: {
      accessKeyId: reader.required('HUAWEICLOUD_SDK_AK'),
      secretAccessKey: reader.required('HUAWEICLOUD_SDK_SK', { secret: true }),
    },
    platformProjectId: reader.required('PLATFORM_PROJECT_ID'),
    platformDomainId: reader.required('PLATFORM_DOMAIN_ID'),
    vpcId: reader.required('PLATFORM_VPC_ID'),
    subnetId: reader.required('PLATFORM_SUBNET_ID'),
  };
}

class EnvReader {
  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly problems: string[],
  ) {}

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  required(name: string, options: { secret?: boolean } = {}): string {
    const value = this.optional(name);
    if (value === undefined) {
      const hint = options.secret ? 'it is a secret: pass it through the environment' : 'set it';
      this.problems.push(`${name} is required when IAM_ENDPOINT or VPCEP_ENDPOINT is set (${hint})`);
      return '';
    }
    return value;
  }

  url(name: string): string {
    const value = this.required(name);
    if (!value) return '';
    try {
      const url = new URL(value);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
      return value.replace(/\/+$/, '');
    } catch {
      this.problems.push(
        `${name} "${value}" is not an http(s) URL such as https://vpcep.cn-north-4.example.com`,
      );
      return '';
    }
  }

  port(name: string, fallback: number): number {
    return this.integer(name, fallback, 0, 65535, 'a TCP port from 0 to 65535');
  }

  milliseconds(name: string, fallback: number, min = 0, max = 3_600_000): number {
    return this.integer(name, fallback, min, max, `a whole number of milliseconds from ${min} to ${max}`);
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    this.problems.push(`${name} "${raw}" is not true or false`);
    return fallback;
  }

  integerSetting(name: string, fallback: number, min: number, max: number): number {
    return this.integer(name, fallback, min, max, `a whole number from ${min} to ${max}`);
  }

  private integer(name: string, fallback: number, min: number, max: number, expected: string): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;

    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} "${raw}" is not ${expected}`);
      return fallback;
    }
    return value;
  }
}
