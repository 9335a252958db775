/** The dependencies of the connection workflows, passed in by the composition root. */
import type { Kysely } from 'kysely';
import type { VpcepClient } from '../cloud/ports.ts';
import type { Database } from '../store/index.ts';
import type { StatusPolicySettings } from './status-policy.ts';
import type { SyncObserver } from './sync.ts';

/** The subset of a pino logger the workflows use. */
export interface Logger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface PlatformSettings {
  region: string;
  /** The platform's account id; customers whitelist it as `iam:domain::<id>`. */
  domainId: string;
  vpcId: string;
  subnetId: string;
}

export interface LifecycleSettings extends StatusPolicySettings {
  /** How long a lease on a row lasts without renewal; a process renews its leases at a third of this. */
  leaseMs: number;
  /** A read of one connection re-reads the endpoint when its status was checked longer ago than this. */
  statusMaxAgeMs: number;
}

export interface WorkflowDeps {
  db: Kysely<Database>;
  vpcep: VpcepClient;
  platform: PlatformSettings;
  lifecycle: LifecycleSettings;
  /** How long a create waits for the new endpoint to leave `creating`, in milliseconds. */
  endpointWaitMs: number;
  /** This process's name as a lease owner; unique per process. */
  processId: string;
  /** Current time in epoch milliseconds. */
  clock: () => number;
  sleep?: (ms: number) => Promise<void>;
  logger: Logger;
  /** Receives each status sync pass, for metrics. */
  syncObserver?: SyncObserver;
}

export function sleepOf(deps: Pick<WorkflowDeps, 'sleep'>): (ms: number) => Promise<void> {
  return deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
}
