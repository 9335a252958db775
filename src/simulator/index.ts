/**
 * A stateful stand-in for Huawei Cloud IAM and VPCEP that speaks their wire format, seeded with the demo world.
 *
 * `buildSimulatorApp` returns the Fastify app without listening, and `startSimulator` listens on loopback
 * (port 0 picks a free port) and returns the URL to give clients. Both return the app's fault plan, whose
 * rules can also be set over HTTP under `/_simulator/faults` (see `faults.ts`).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { DEMO_REGION } from './demo.ts';
import type { ErrorShape } from './errors.ts';
import { FaultPlan, installFaultPlan } from './faults.ts';
import { seedDemoWorld } from './seed.ts';
import { SimulatorState } from './state.ts';

export type { ErrorShape } from './errors.ts';
export { keystoneError, SimulatorError, vpcepError } from './errors.ts';
export {
  type FaultHandle,
  FaultPlan,
  type FaultRule,
  type FaultRuleStatus,
  parseFaultRule,
} from './faults.ts';
export type { FaultHook, OperationContext } from './state.ts';
export { SimulatorState } from './state.ts';

export interface SimulatorOptions {
  /** Region in service names and project names; default `cn-north-4`. */
  region?: string;
  /** Milliseconds a new endpoint stays `creating`, and a deleted one `deleting`; default 1500. */
  endpointSettleDelayMs?: number;
  /** VPCEP error body shape: `{"error":{"code","message"}}` or `{"error_code","error_msg"}`; default nested. */
  errorShape?: ErrorShape;
  /** Whether Fastify logs requests and errors; default false. */
  logger?: boolean;
  /** Clock for timestamps, token expiry and settle times; default the system clock. */
  now?: () => Date;
}

export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`, for both IAM and VPCEP. */
  url: string;
  port: number;
  state: SimulatorState;
  /** Fault rules applied to IAM and VPCEP calls; installed as `state.faultHook`. */
  faults: FaultPlan;
  close(): Promise<void>;
}

const DEFAULT_SETTLE_DELAY_MS = 1500;

export async function buildSimulatorApp(
  options: SimulatorOptions = {},
): Promise<{ app: FastifyInstance; state: SimulatorState; faults: FaultPlan }> {
  const endpointSettleDelayMs = options.endpointSettleDelayMs ?? DEFAULT_SETTLE_DELAY_MS;
  if (!Number.isFinite(endpointSettleDelayMs) || endpointSettleDelayMs < 0) {
    throw new RangeError(`endpointSettleDelayMs must be a non-negative number, got ${endpointSettleDelayMs}`);
  }

  const region = options.region ?? DEMO_REGION;
  if (!/^[a-z0-9-]+$/.test(region)) {
    throw new RangeError(
      `region must be lower-case letters, digits and hyphens, like cn-north-4; got "${region}"`,
    );
  }

  const state = new SimulatorState({
    region,
    endpointSettleDelayMs,
    now: options.now ?? (() => new Date()),
  });
  seedDemoWorld(state);
  const faults = new FaultPlan();
  state.faultHook = faults.hook;

  const app = await buildApp(state, {
    errorShape: options.errorShape ?? 'nested',
    logger: options.logger ?? false,
  });
  installFaultPlan(app, faults);
  return { app, state, faults };
}

/** Builds the simulator and listens on `host` (default 127.0.0.1) and `port` (default 0, any free port). */
export async function startSimulator(
  options: SimulatorOptions & { host?: string; port?: number } = {},
): Promise<RunningSimulator> {
  const { app, state, faults } = await buildSimulatorApp(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });

  const { port } = app.server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    state,
    faults,
    close: () => app.close(),
  };
}
