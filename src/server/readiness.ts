/**
 * The checks behind `GET /readyz`: the database responds, every known migration has run, and IAM and VPCEP
 * accept connections. Load balancers may probe every second, so each check is cheap. The database checks
 * are one small query each, and each upstream probe (one HEAD request on a new connection) is cached for
 * a few seconds and shared by concurrent probes.
 */
import { type Kysely, sql } from 'kysely';
import { Agent } from 'undici';
import type { CloudService } from '../cloud/index.ts';
import type { Logger } from '../connections/deps.ts';
import type { Database } from '../store/index.ts';
import { migrations } from '../store/migrations/index.ts';

export type CheckName = 'database' | 'migrations' | CloudService;

export interface CheckResult {
  status: 'ok' | 'failed';
  /** Reason for the failure, without hosts or credentials, because `/readyz` needs no authentication. */
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  checks: Record<CheckName, CheckResult>;
}

export interface ReadinessOptions {
  db: Kysely<Database>;
  /** Base URLs of IAM and VPCEP; only their origins are probed. */
  endpoints: Record<CloudService, string>;
  logger: Logger;
  /** Limit on each database query and each upstream probe, in milliseconds. Default 2000. */
  timeoutMs?: number;
  /** How long an upstream probe's result is reused, in milliseconds. Default 5000. */
  upstreamCacheMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_UPSTREAM_CACHE_MS = 5000;

interface CachedProbe {
  result: Promise<CheckResult>;
  expiresAt: number;
}

export class ReadinessChecks {
  readonly #db: Kysely<Database>;
  readonly #origins: Record<CloudService, string>;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #cacheMs: number;
  readonly #agent: Agent;
  readonly #probes = new Map<CloudService, CachedProbe>();
  /** The last status of each check, so that only changes are logged and a failing probe logs once. */
  readonly #lastStatus = new Map<CheckName, CheckResult['status']>();

  constructor(options: ReadinessOptions) {
    this.#db = options.db;
    this.#origins = {
      iam: new URL(options.endpoints.iam).origin,
      vpcep: new URL(options.endpoints.vpcep).origin,
    };
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#cacheMs = options.upstreamCacheMs ?? DEFAULT_UPSTREAM_CACHE_MS;
    this.#agent = new Agent({
      connectTimeout: this.#timeoutMs,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  /** Runs every check; the report is `ready` when all passed. */
  async check(): Promise<ReadinessReport> {
    const [storeChecks, iam, vpcep] = await Promise.all([
      this.#checkStore(),
      this.#probeCached('iam'),
      this.#probeCached('vpcep'),
    ]);
    const checks: Record<CheckName, CheckResult> = { ...storeChecks, iam, vpcep };
    const ready = Object.values(checks).every((result) => result.status === 'ok');
    return { status: ready ? 'ready' : 'not ready', checks };
  }

  /** Closes the probes' connections. Calling it twice is harmless. */
  async close(): Promise<void> {
    if (!this.#agent.closed) await this.#agent.close();
  }

  async #checkStore(): Promise<Pick<Record<CheckName, CheckResult>, 'database' | 'migrations'>> {
    try {
      await withTimeout(sql`select 1`.execute(this.#db), this.#timeoutMs);
    } catch (error) {
      const database = this.#record('database', failed('the database does not respond'), { err: error });
      const migrations = failed('not checked, because the database does not respond');
      return { database, migrations };
    }
    const database = this.#record('database', { status: 'ok' });
    return { database, migrations: await this.#checkMigrations() };
  }

  async #checkMigrations(): Promise<CheckResult> {
    let applied: Set<string>;
    try {
      const query = sql<{ name: string }>`select name from kysely_migration`.execute(this.#db);
      applied = new Set((await withTimeout(query, this.#timeoutMs)).rows.map((row) => row.name));
    } catch (error) {
      // Kysely creates the table with the first migration, so a missing table means none has run.
      const result = failed('reading the applied migrations failed; run `vpcep-connect migrate`');
      return this.#record('migrations', result, { err: error });
    }

    const pending = Object.keys(migrations).filter((name) => !applied.has(name));
    if (pending.length === 0) return this.#record('migrations', { status: 'ok' });
    const result = failed(`migrations not applied: ${pending.join(', ')}; run \`vpcep-connect migrate\``);
    return this.#record('migrations', result);
  }

  #probeCached(service: CloudService): Promise<CheckResult> {
    const cached = this.#probes.get(service);
    if (cached && cached.expiresAt > Date.now()) return cached.result;

    const result = this.#probe(service);
    // The cache time counts from the start of the probe, so a timed-out probe is not reused for longer.
    this.#probes.set(service, { result, expiresAt: Date.now() + this.#cacheMs });
    return result;
  }

  /** Any HTTP response, even 404, proves that the service accepts connections and speaks HTTP. */
  async #probe(service: CloudService): Promise<CheckResult> {
    const origin = this.#origins[service];
    try {
      // `reset` closes the connection afterwards, so each probe opens a new one as a new call would.
      const response = await this.#agent.request({ origin, path: '/', method: 'HEAD', reset: true });
      await response.body.dump();
      return this.#record(service, { status: 'ok' }, { origin });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const reason = typeof code === 'string' ? code : (error as Error).name;
      return this.#record(service, failed(`not reachable (${reason})`), { origin, err: error });
    }
  }

  /** Logs a check whose status changed since the last run, then returns `result`. */
  #record(name: CheckName, result: CheckResult, details: object = {}): CheckResult {
    const previous = this.#lastStatus.get(name);
    this.#lastStatus.set(name, result.status);
    if (result.status === 'failed' && previous !== 'failed') {
      this.#logger.warn({ check: name, error: result.error, ...details }, 'readiness check failed');
    } else if (result.status === 'ok' && previous === 'failed') {
      this.#logger.info({ check: name, ...details }, 'readiness check passes again');
    }
    return result;
  }
}

function failed(error: string): CheckResult {
  return { status: 'failed', error };
}

/** Rejects when `promise` takes longer than `ms`; the query itself keeps running until the driver ends it. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
