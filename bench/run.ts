/**
 * The benchmark (`npm run bench`): a bare `node:http` server and vpcep-connect, each in its own child
 * process on 127.0.0.1, loaded in turn by autocannon in a third process. Each scenario gets a warm-up
 * run, whose figures are discarded, then a measured run of fixed duration. The Markdown report goes to
 * standard output and progress to standard error; docs/benchmarks.md explains the scenarios.
 *
 * Options, after `npm run bench --`:
 * - `--duration S`: measured seconds per scenario, default 10;
 * - `--warmup S`: warm-up seconds per scenario, default 3;
 * - `--connections N`: concurrent connections of the load generator, default 10;
 * - `--services N`: connections created in the workspace for the list, default 50, which is also the
 *   maximum because the simulator allows the platform 50 endpoints;
 * - `--log-level LEVEL`: the service's LOG_LEVEL, default warn.
 */
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_WORKSPACE_ID } from '../src/cli/demo-setup.ts';
import { requestPasswordToken } from '../src/cloud/iam.ts';
import { DEMO_ACCOUNT, DEMO_REGION } from '../src/simulator/demo.ts';
import { type ReadyMessage, startServerChild, stopServerChild } from './children.ts';
import { type LoadRequest, runLoad } from './load.ts';
import { type CommitTimes, formatReport, type RunSettings, type ScenarioResult } from './report.ts';
import { measureCommitMicroseconds } from './sqlite-commit.ts';

/** Timeout of each request the benchmark sends itself while preparing and checking the scenarios. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Creates sent at once while preparing the workspace. */
const CREATE_CONCURRENCY = 5;

/** Single-row UPDATEs timed per SQLite `synchronous` mode. */
const SQLITE_COMMITS = 2000;

interface Scenario {
  name: string;
  load: Omit<LoadRequest, 'connections' | 'durationSeconds'>;
  /** Returns what is wrong with the scenario's response, so that no run measures an error path. */
  check(status: number, body: unknown): string | undefined;
}

interface Fixture {
  headers: Record<string, string>;
  /** The connection to `demo-auto`, which the read and the repeated create use. */
  connectionId: string;
  serviceName: string;
}

const settings = readSettings();
const children: ChildProcess[] = [];
process.once('SIGINT', () => {
  progress('interrupted; stopping the servers');
  Promise.all(children.map(stopServerChild)).finally(() => process.exit(130));
});

try {
  // Timed before the servers start, so that the benchmark's own load does not share the CPUs with it.
  progress(`timing ${SQLITE_COMMITS} SQLite commits per synchronous mode in the temporary folder`);
  const commitTimes: CommitTimes = {
    commits: SQLITE_COMMITS,
    fullMicroseconds: measureCommitMicroseconds('FULL', SQLITE_COMMITS),
    normalMicroseconds: measureCommitMicroseconds('NORMAL', SQLITE_COMMITS),
  };

  const scriptPath = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  progress('starting the baseline and the service');
  const baseline = await startServerChild(scriptPath('baseline-server.ts'), [], process.env);
  children.push(baseline.process);
  const service = await startServerChild(
    scriptPath('service-server.ts'),
    ['--services', String(settings.services), '--log-level', settings.logLevel],
    process.env,
  );
  children.push(service.process);

  progress(`creating ${settings.services} connections in the demo workspace`);
  const fixture = await prepareFixture(service.ready);

  const results: ScenarioResult[] = [];
  for (const scenario of defineScenarios(baseline.ready.url, service.ready.url, fixture)) {
    await checkScenario(scenario);
    progress(`${scenario.name}: ${settings.warmupSeconds} s warm-up`);
    await runLoad({
      ...scenario.load,
      connections: settings.connections,
      durationSeconds: settings.warmupSeconds,
    });
    progress(`${scenario.name}: ${settings.durationSeconds} s measured`);
    const result = await runLoad({
      ...scenario.load,
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
    });
    results.push({ name: scenario.name, result });
  }

  process.stdout.write(formatReport(settings, results, commitTimes));
} finally {
  await Promise.all(children.map(stopServerChild));
}

function readSettings(): RunSettings {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      services: { type: 'string', default: '50' },
      'log-level': { type: 'string', default: 'warn' },
    },
  });
  const options = process.argv.slice(2);
  return {
    command: options.length > 0 ? `npm run bench -- ${options.join(' ')}` : 'npm run bench',
    durationSeconds: positiveInteger('--duration', values.duration),
    warmupSeconds: positiveInteger('--warmup', values.warmup),
    connections: positiveInteger('--connections', values.connections),
    services: positiveInteger('--services', values.services),
    logLevel: values['log-level'],
    startedAt: new Date(),
    loadAverageAtStart: loadavg()[0],
  };
}

function positiveInteger(option: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new Error(`${option} must be a positive integer, got "${value}"`);
  }
  return parsed;
}

/** Gets a token for the demo user and creates one connection per endpoint service the service child offers. */
async function prepareFixture(ready: ReadyMessage): Promise<Fixture> {
  const names = ready.serviceNames ?? [];
  const issued = await requestPasswordToken({
    endpoint: ready.simulatorUrl!,
    domainName: DEMO_ACCOUNT.domainName,
    userName: DEMO_ACCOUNT.userName,
    password: DEMO_ACCOUNT.password,
    projectName: DEMO_REGION,
  });
  const headers = { 'x-auth-token': issued.token, 'x-workspace-id': DEMO_WORKSPACE_ID };

  const ids: string[] = [];
  for (let start = 0; start < names.length; start += CREATE_CONCURRENCY) {
    const batch = names.slice(start, start + CREATE_CONCURRENCY);
    ids.push(...(await Promise.all(batch.map((name) => createConnection(ready.url, headers, name)))));
  }
  return { headers, connectionId: ids[0], serviceName: names[0] };
}

async function createConnection(url: string, headers: Record<string, string>, serviceName: string) {
  const response = await fetch(`${url}/v1/${DEMO_ACCOUNT.projectId}/connections/vpc-endpoint`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: createBody(serviceName),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as { id?: string; vpc_ep_client_status?: string };
  if (response.status !== 200 || body.vpc_ep_client_status !== 'accepted' || !body.id) {
    throw new Error(
      `creating a connection to ${serviceName} failed with status ${response.status}: ${JSON.stringify(body)}`,
    );
  }
  return body.id;
}

function createBody(serviceName: string): string {
  return JSON.stringify({ ds_type: 'MySQL', vpc_ep_server_name: serviceName });
}

function defineScenarios(baselineUrl: string, serviceUrl: string, fixture: Fixture): Scenario[] {
  const connections = `${serviceUrl}/v1/${DEMO_ACCOUNT.projectId}/connections/vpc-endpoint`;
  const isRecord = (body: unknown): body is Record<string, unknown> =>
    typeof body === 'object' && body !== null;
  const sameConnection = (status: number, body: unknown) =>
    status === 200 &&
    isRecord(body) &&
    body.id === fixture.connectionId &&
    body.vpc_ep_client_status === 'accepted'
      ? undefined
      : `expected 200 with connection ${fixture.connectionId}, accepted`;

  return [
    {
      name: 'baseline: bare node:http, fixed JSON',
      load: { url: `${baselineUrl}/`, method: 'GET', headers: {} },
      check: (status) => (status === 200 ? undefined : 'expected 200'),
    },
    {
      name: 'GET /healthz (no auth, `select 1`)',
      load: { url: `${serviceUrl}/healthz`, method: 'GET', headers: {} },
      check: (status) => (status === 200 ? undefined : 'expected 200'),
    },
    {
      name: 'GET one connection (from the store)',
      load: { url: `${connections}/${fixture.connectionId}`, method: 'GET', headers: fixture.headers },
      check: sameConnection,
    },
    {
      name: `GET connection list (limit 10 of ${settings.services})`,
      load: { url: `${connections}?limit=10`, method: 'GET', headers: fixture.headers },
      check: (status, body) =>
        status === 200 && isRecord(body) && body.count === settings.services && Array.isArray(body.page_data)
          ? undefined
          : `expected 200 with count ${settings.services}`,
    },
    {
      name: 'POST create, repeated (idempotent)',
      load: {
        url: connections,
        method: 'POST',
        headers: { ...fixture.headers, 'content-type': 'application/json' },
        body: createBody(fixture.serviceName),
      },
      check: sameConnection,
    },
  ];
}

/** Sends the scenario's request once and throws unless the response is the expected success. */
async function checkScenario(scenario: Scenario): Promise<void> {
  const { url, method, headers, body } = scenario.load;
  const response = await fetch(url, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  const problem = scenario.check(response.status, text === '' ? undefined : JSON.parse(text));
  if (problem) {
    throw new Error(`${scenario.name}: ${problem}, but got ${response.status}: ${text.slice(0, 300)}`);
  }
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
