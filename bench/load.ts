/**
 * Runs autocannon 9 as a separate process through its CLI, with `--json`, and returns the figures the
 * report uses. Every run is bounded twice: by `--duration` and by `--maxOverallRequests`, and the
 * process is killed when it outlives its duration by KILL_GRACE_MS.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** The CLI script that `node_modules/.bin/autocannon` links to. */
const AUTOCANNON_CLI = createRequire(import.meta.url).resolve('autocannon');

/**
 * Requests per second of duration after which a run ends early. It lies far above what one Node process
 * serves on loopback, so it only stops a run that went wrong. `hitRequestCap` reports such a run.
 */
const MAX_REQUESTS_PER_SECOND = 1_000_000;

const KILL_GRACE_MS = 30_000;

export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Concurrent connections, each with one request in flight. */
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  /** Mean of the per-second request counts. */
  requestsPerSecond: number;
  requestsPerSecondStddev: number;
  /** Responses received. */
  requests: number;
  /** Latency percentiles in milliseconds, rounded down to whole milliseconds by autocannon 9. */
  latencyP50: number;
  latencyP99: number;
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  hitRequestCap: boolean;
}

/** The fields of autocannon's JSON result that the report reads. */
interface AutocannonJson {
  requests: { average: number; stddev: number; total: number; sent: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** Runs one load test and returns its figures; rejects when autocannon fails or outlives its duration. */
export async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const maxRequests = request.durationSeconds * MAX_REQUESTS_PER_SECOND;
  const args = [
    AUTOCANNON_CLI,
    '--json',
    '--connections',
    String(request.connections),
    '--duration',
    String(request.durationSeconds),
    '--maxOverallRequests',
    String(maxRequests),
    '--method',
    request.method,
  ];
  for (const [name, value] of Object.entries(request.headers)) args.push('--headers', `${name}=${value}`);
  if (request.body !== undefined) args.push('--body', request.body);
  args.push(request.url);

  const output = await runProcess(args, request.durationSeconds * 1000 + KILL_GRACE_MS);
  const result = parseResult(output);
  return {
    requestsPerSecond: result.requests.average,
    requestsPerSecondStddev: result.requests.stddev,
    requests: result.requests.total,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    hitRequestCap: result.requests.sent >= maxRequests,
  };
}

function runProcess(args: string[], timeoutMs: number): Promise<string> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });

  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`autocannon exited with code ${code}, signal ${signal}: ${stderr.trim()}`));
    });
  });
}

/** With `--json`, autocannon prints the result as the last line of its standard output. */
function parseResult(output: string): AutocannonJson {
  const lastLine = output.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(lastLine) as AutocannonJson;
  } catch {
    throw new Error(`autocannon printed no JSON result; its output was: ${output.slice(0, 500)}`);
  }
}
