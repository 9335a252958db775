/**
 * Prometheus metrics of one service instance: API requests, IAM and VPCEP calls, the token cache, the
 * status sync and the stored connections, beside prom-client's default process metrics. Each instance
 * has a registry of its own, because tests build several services in one process and prom-client's
 * default registry is global.
 */
import type { Kysely } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { TransportObserver } from '../cloud/index.ts';
import type { Logger } from '../connections/deps.ts';
import type { SyncObserver } from '../connections/sync.ts';
import { countConnectionsByStatus, type Database } from '../store/index.ts';
import type { TokenCacheObserver } from './token-cache.ts';

const PREFIX = 'vpcep_connect_';

/** Creates wait up to ENDPOINT_WAIT_MS (30 s by default), so the buckets reach past it. */
const REQUEST_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Upstream responses time out after UPSTREAM_RESPONSE_TIMEOUT_MS (10 s by default). */
const UPSTREAM_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Rows claimed per pass; SYNC_BATCH_SIZE (50 by default, at most 1000) caps them. */
const BATCH_SIZE_BUCKETS = [0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];

const SYNC_ROW_OUTCOMES = [
  'refreshed',
  'expired',
  'reservationsAdopted',
  'reservationsReleased',
  'failed',
  'orphansDeleted',
] as const;

export interface ServiceMetricsOptions {
  /** The store whose live connections the `connections` gauge counts at each scrape. */
  db: Kysely<Database>;
  logger: Logger;
}

/** The registry and the observers that feed it; `buildService` hands the observers to each component. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly transportObserver: TransportObserver;
  readonly syncObserver: SyncObserver;
  readonly onTokenLookup: TokenCacheObserver;
  readonly #requests: Counter<'operation' | 'method' | 'status'>;
  readonly #requestDuration: Histogram<'operation' | 'method' | 'status'>;

  constructor(options: ServiceMetricsOptions) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];

    this.#requests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'API responses sent, by operation, method and HTTP status. Probes and scrapes are left out.',
      labelNames: ['operation', 'method', 'status'],
      registers,
    });
    this.#requestDuration = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time from receiving an API request to sending the whole response, in seconds.',
      labelNames: ['operation', 'method', 'status'],
      buckets: REQUEST_BUCKETS_SECONDS,
      registers,
    });

    this.transportObserver = createTransportObserver(registers);
    this.syncObserver = createSyncObserver(registers);
    this.onTokenLookup = createTokenCacheObserver(registers);
    registerConnectionsGauge(registers, options);
  }

  /** Records one API response; `status` is its HTTP status. */
  observeRequest(operation: string, method: string, status: number, durationSeconds: number): void {
    const labels = { operation, method, status: String(status) };
    this.#requests.inc(labels);
    this.#requestDuration.observe(labels, durationSeconds);
  }
}

function createTransportObserver(registers: Registry[]): TransportObserver {
  const calls = new Counter({
    name: `${PREFIX}upstream_calls_total`,
    help: 'HTTP calls to IAM and VPCEP by outcome, one per attempt, so a retried call counts each try.',
    labelNames: ['service', 'operation', 'outcome'],
    registers,
  });
  const duration = new Histogram({
    name: `${PREFIX}upstream_call_duration_seconds`,
    help: 'Duration of one attempt of an IAM or VPCEP call, body read included, in seconds.',
    labelNames: ['service', 'operation'],
    buckets: UPSTREAM_BUCKETS_SECONDS,
    registers,
  });
  const retries = new Counter({
    name: `${PREFIX}upstream_retries_total`,
    help: 'IAM and VPCEP calls sent again, by reason: throttled, server-error, timeout or unreachable.',
    labelNames: ['service', 'operation', 'reason'],
    registers,
  });

  return {
    onCall({ service, operation, outcome, durationSeconds }) {
      calls.inc({ service, operation, outcome });
      duration.observe({ service, operation }, durationSeconds);
    },
    onRetry({ service, operation, reason }) {
      retries.inc({ service, operation, reason });
    },
  };
}

function createTokenCacheObserver(registers: Registry[]): TokenCacheObserver {
  const hits = new Counter({
    name: `${PREFIX}token_cache_hits_total`,
    help: 'X-Auth-Token validations served from the cache, without calling IAM.',
    registers,
  });
  const misses = new Counter({
    name: `${PREFIX}token_cache_misses_total`,
    help: 'X-Auth-Token validations not in the cache; each calls IAM or joins a call in flight.',
    registers,
  });
  return (result) => (result === 'hit' ? hits.inc() : misses.inc());
}

function createSyncObserver(registers: Registry[]): SyncObserver {
  const passes = new Counter({
    name: `${PREFIX}sync_passes_total`,
    help: 'Status sync passes that ran to their end.',
    registers,
  });
  const batchSize = new Histogram({
    name: `${PREFIX}sync_batch_size`,
    help: 'Connections one status sync pass claimed.',
    buckets: BATCH_SIZE_BUCKETS,
    registers,
  });
  const lag = new Gauge({
    name: `${PREFIX}sync_lag_seconds`,
    help: 'How long the most overdue connection of the last sync pass had been due, in seconds; 0 for none.',
    registers,
  });
  const rows = new Counter({
    name: `${PREFIX}sync_rows_total`,
    help: 'Connections the status sync worked on, by outcome, and orphan endpoints it deleted.',
    labelNames: ['outcome'],
    registers,
  });
  // Every outcome starts at 0, so that a rate over an outcome that has not happened yet is 0, not absent.
  for (const outcome of SYNC_ROW_OUTCOMES) rows.inc({ outcome }, 0);

  return {
    onPass({ result, lagMs }) {
      passes.inc();
      batchSize.observe(result.claimed);
      lag.set(lagMs / 1000);
      for (const outcome of SYNC_ROW_OUTCOMES) {
        if (result[outcome] > 0) rows.inc({ outcome }, result[outcome]);
      }
    },
  };
}

/**
 * Counts live (not deleted) connections by status at each scrape. Reservations, which have no status
 * yet, count as `reserved`. A status seen once stays in the output at 0 after its last connection
 * leaves it, so that its series ends at 0 rather than going stale.
 */
function registerConnectionsGauge(registers: Registry[], { db, logger }: ServiceMetricsOptions): void {
  const seen = new Set<string>();
  new Gauge({
    name: `${PREFIX}connections`,
    help: 'Live connections by vpc_ep_client_status, counted in the database at scrape time.',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      let counts: Map<string, number>;
      try {
        counts = await countConnectionsByStatus(db);
      } catch (error) {
        // The scrape still serves every other metric, and /readyz reports the database as failed.
        logger.warn({ err: error }, 'counting connections for /metrics failed; the gauge is left out');
        return;
      }
      for (const status of counts.keys()) seen.add(status);
      for (const status of seen) this.set({ status }, counts.get(status) ?? 0);
    },
  });
}
