/**
 * Product-side demo data for the embedded defaults: the demo project's default workspace gets a fixed
 * id, so that the README and tests can name it. The simulator seeds the cloud side.
 */
import type { Kysely } from 'kysely';
import type { CloudSettings } from '../config.ts';
import {
  DEMO_ACCOUNT,
  PLATFORM_ACCESS_KEY,
  PLATFORM_ACCOUNT,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
} from '../simulator/demo.ts';
import { type Database, ensureDefaultWorkspace } from '../store/index.ts';

export const DEMO_WORKSPACE_ID = 'a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d';

export async function seedDemoWorkspace(db: Kysely<Database>, now: number): Promise<void> {
  await ensureDefaultWorkspace(db, {
    id: DEMO_WORKSPACE_ID,
    projectId: DEMO_ACCOUNT.projectId,
    domainId: DEMO_ACCOUNT.domainId,
    user: DEMO_ACCOUNT.userId,
    now,
  });
}

/** The platform's cloud settings when the simulator at `url` replaces IAM and VPCEP. */
export function simulatorCloudSettings(url: string): CloudSettings {
  return {
    iamEndpoint: url,
    vpcepEndpoint: url,
    accessKey: PLATFORM_ACCESS_KEY,
    platformProjectId: PLATFORM_ACCOUNT.projectId,
    platformDomainId: PLATFORM_ACCOUNT.domainId,
    vpcId: PLATFORM_VPC_ID,
    subnetId: PLATFORM_SUBNET_ID,
  };
}
