/** What the connection workflows need from the outside, passed in by the composition root. */
import type { Kysely } from 'kysely';
import type { VpcepClient } from '../cloud/ports.ts';
import type { Database } from '../store/index.ts';

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

export interface WorkflowDeps {
  db: Kysely<Database>;
  vpcep: VpcepClient;
  platform: PlatformSettings;
  /** How long a create waits for the new endpoint to leave `creating`, in milliseconds. */
  endpointWaitMs: number;
  /** Current time in epoch milliseconds. */
  clock: () => number;
  logger: Logger;
}
