/**
 * The benchmark's Markdown report: the settings and machine of the run, one table row per scenario, and
 * the time of one SQLite commit.
 */
import { readFileSync, statfsSync } from 'node:fs';
import { cpus, release, tmpdir, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { LoadResult } from './load.ts';

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Packages whose versions the figures depend on. */
const MEASURED_PACKAGES = ['fastify', 'kysely', 'better-sqlite3', 'pino', 'tsx', 'autocannon'];

export interface RunSettings {
  command: string;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  services: number;
  logLevel: string;
  startedAt: Date;
  /** The 1-minute load average when the run started: a hint of other work on the machine at that time. */
  loadAverageAtStart: number;
}

/** Mean time of one SQLite commit in the temporary folder, by `synchronous` mode. */
export interface CommitTimes {
  commits: number;
  fullMicroseconds: number;
  normalMicroseconds: number;
}

/** Linux file system magic numbers in hexadecimal (see statfs(2)), for the usual homes of a temporary folder. */
const FILE_SYSTEMS: Record<string, string> = {
  ef53: 'ext2/ext3/ext4',
  '1021994': 'tmpfs',
  '58465342': 'xfs',
  '9123683e': 'btrfs',
  '794c7630': 'overlayfs',
};

export interface ScenarioResult {
  name: string;
  result: LoadResult;
}

/** Builds the report; the first result is the baseline that the others are compared with. */
export function formatReport(settings: RunSettings, results: ScenarioResult[], commits: CommitTimes): string {
  const baselineRate = results[0].result.requestsPerSecond;
  const lines = [
    `Command: \`${settings.command}\``,
    '',
    `Settings: ${settings.durationSeconds} s per scenario after a ${settings.warmupSeconds} s warm-up, ` +
      `${settings.connections} connections, ${settings.services} connections in the workspace, ` +
      `LOG_LEVEL ${settings.logLevel}.`,
    '',
    `Machine: ${describeMachine()}.`,
    '',
    `Packages: ${describePackages()}.`,
    '',
    `Started: ${settings.startedAt.toISOString()}, with a 1-minute load average of ` +
      `${settings.loadAverageAtStart.toFixed(2)}.`,
    '',
    '| scenario | req/s (mean ± sd) | fraction of baseline | p50 ms | p99 ms | non-2xx | errors |',
    '|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { name, result } of results) {
    const cap = result.hitRequestCap ? ' (stopped by the request cap)' : '';
    lines.push(
      [
        '',
        `${name}${cap}`,
        `${Math.round(result.requestsPerSecond)} ± ${Math.round(result.requestsPerSecondStddev)}`,
        (result.requestsPerSecond / baselineRate).toFixed(3),
        formatLatency(result.latencyP50),
        formatLatency(result.latencyP99),
        String(result.non2xx),
        String(result.errors),
        '',
      ]
        .join(' | ')
        .trim(),
    );
  }
  lines.push(
    '',
    `SQLite commit in the temporary folder ${describeTemporaryFolder()}, mean of ${commits.commits} ` +
      `single-row UPDATEs in WAL mode: ${commits.fullMicroseconds.toFixed(0)} µs with synchronous=FULL ` +
      `(SQLite's default), ${commits.normalMicroseconds.toFixed(0)} µs with synchronous=NORMAL.`,
  );
  return `${lines.join('\n')}\n`;
}

function describeTemporaryFolder(): string {
  const folder = tmpdir();
  const magic = statfsSync(folder).type.toString(16);
  return `${folder} (${FILE_SYSTEMS[magic] ?? `file system type 0x${magic}`})`;
}

/** autocannon 9 rounds latencies down to whole milliseconds, so 0 means less than 1 ms. */
function formatLatency(milliseconds: number): string {
  return milliseconds === 0 ? '< 1' : String(milliseconds);
}

function describeMachine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  return `${cores.length} CPU cores (${model}), ${type()} ${release()}, Node.js ${process.version}`;
}

function describePackages(): string {
  const versions = MEASURED_PACKAGES.map((name) => `${name} ${packageVersion(name)}`);
  return `${versions.join(', ')}; SQLite ${sqliteVersion()}`;
}

function packageVersion(name: string): string {
  const manifest = join(REPOSITORY_ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Returns the version of the SQLite library in better-sqlite3, which the service's store uses. */
function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('select sqlite_version() as version').get() as { version: string }).version;
  } finally {
    db.close();
  }
}
