/**
 * vpcep-connect for the benchmark, built by the composition root (`buildService`) as the API tests build
 * it. Its cloud is the simulator of IAM and VPCEP in the same process, as with `npm start`, and its store
 * is SQLite in a temporary folder that is deleted on exit. It runs as a child of `bench/run.ts` and
 * listens on 127.0.0.1 on a free port. The background status sync does not run, because `startService`
 * starts it and `buildService` does not.
 *
 * Arguments: `--services N`, how many endpoint services that accept endpoints without approval the
 * simulator offers (the demo's `demo-auto` and N - 1 more), and `--log-level LEVEL`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemoWorkspace, simulatorCloudSettings } from '../src/cli/demo-setup.ts';
import { createLogger } from '../src/cli/logger.ts';
import { buildService } from '../src/cli/service.ts';
import { loadConfig } from '../src/config.ts';
import { DEMO_REGION, DEMO_SERVICES } from '../src/simulator/demo.ts';
import { type SimulatorState, startSimulator } from '../src/simulator/index.ts';
import { reportReady } from './children.ts';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '50' },
    'log-level': { type: 'string', default: 'warn' },
  },
});
const serviceCount = Number(values.services);
if (!Number.isInteger(serviceCount) || serviceCount < 1) {
  throw new Error(`--services must be a positive integer, got "${values.services}"`);
}

// New endpoints settle in 20 ms instead of the default 1.5 s, so that creating the fixture is quick.
const simulator = await startSimulator({ host: '127.0.0.1', port: 0, endpointSettleDelayMs: 20 });
const serviceNames = addAutoAcceptServices(simulator.state, serviceCount);

const dataDir = await mkdtemp(join(tmpdir(), 'vpcep-connect-bench-'));
const config = loadConfig({
  HOST: '127.0.0.1',
  PORT: '0',
  DATA_DIR: dataDir,
  REGION: DEMO_REGION,
  LOG_LEVEL: values['log-level'],
  // One hour, the maximum: a read of one connection then returns the stored status without calling VPCEP.
  STATUS_MAX_AGE_MS: '3600000',
});
const logger = createLogger(config.logLevel);
const service = await buildService(config, simulatorCloudSettings(simulator.url), logger);
await seedDemoWorkspace(service.store.db, Date.now());
await service.app.listen({ host: config.host, port: config.port });
const { port } = service.app.server.address() as { port: number };

reportReady(
  { kind: 'ready', url: `http://127.0.0.1:${port}`, simulatorUrl: simulator.url, serviceNames },
  async () => {
    await service.close();
    await simulator.close();
    await rm(dataDir, { recursive: true, force: true });
  },
);

/**
 * Returns the names of `count` endpoint services that whitelist the platform and accept endpoints
 * without approval: `demo-auto` and copies of it. The copies go straight into the simulator's state
 * because its VPCEP API allows a project only 20 endpoint services, fewer than the list scenario needs.
 */
function addAutoAcceptServices(state: SimulatorState, count: number): string[] {
  const template = state.services.get(DEMO_SERVICES.auto.id);
  if (!template) throw new Error('the simulator has no demo-auto endpoint service to copy');

  const names = [template.serviceName];
  for (let index = 1; index < count; index += 1) {
    const id = randomUUID();
    const port = 20_000 + index;
    state.services.set(id, {
      ...template,
      id,
      serviceName: `${state.region}.bench-${index}.${id}`,
      ports: [{ client_port: port, server_port: port, protocol: 'TCP' }],
      permissions: template.permissions.map((permission) => ({ ...permission, id: randomUUID() })),
      description: `Benchmark endpoint service ${index}`,
    });
    names.push(state.services.get(id)!.serviceName);
  }
  return names;
}
