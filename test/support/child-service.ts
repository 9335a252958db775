/**
 * vpcep-connect as a separate process, the way operators run it: `start` with the real-cloud settings
 * pointed at a simulator in the test process, so tests can kill it, run several replicas, and read the
 * simulator's state directly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { requestPasswordToken } from '../../src/cloud/iam.ts';
import {
  DEMO_ACCOUNT,
  PLATFORM_ACCESS_KEY,
  PLATFORM_ACCOUNT,
  PLATFORM_SUBNET_ID,
  PLATFORM_VPC_ID,
} from '../../src/simulator/demo.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';

export const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

/** Settings for a service that uses `simulator` as its cloud and the given store. */
export function serviceEnv(
  simulator: RunningSimulator,
  store: { dataDir: string; databaseUrl?: string },
  settings: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: store.dataDir,
    DATABASE_URL: store.databaseUrl ?? '',
    IAM_ENDPOINT: simulator.url,
    VPCEP_ENDPOINT: simulator.url,
    HUAWEICLOUD_SDK_AK: PLATFORM_ACCESS_KEY.accessKeyId,
    HUAWEICLOUD_SDK_SK: PLATFORM_ACCESS_KEY.secretAccessKey,
    PLATFORM_PROJECT_ID: PLATFORM_ACCOUNT.projectId,
    PLATFORM_DOMAIN_ID: PLATFORM_ACCOUNT.domainId,
    PLATFORM_VPC_ID,
    PLATFORM_SUBNET_ID,
    ...settings,
  };
}

export interface ChildService {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/** Starts `vpcep-connect start` and resolves once it listens. */
export async function startChild(env: NodeJS.ProcessEnv): Promise<ChildService> {
  const child = spawn(process.execPath, [...CLI, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+) /.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`service exited with ${code} before listening: ${output}`)),
    );
  });
  return { child, url, output: () => output };
}

/** Stops a child with SIGTERM and resolves with its exit code once it is gone. */
export function stopChild(service: ChildService): Promise<number | null> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) {
    return Promise.resolve(service.child.exitCode);
  }
  const exited = new Promise<number | null>((resolve) => service.child.once('exit', (code) => resolve(code)));
  service.child.kill('SIGTERM');
  return exited;
}

export async function demoToken(simulator: RunningSimulator): Promise<string> {
  const issued = await requestPasswordToken({
    endpoint: simulator.url,
    domainName: DEMO_ACCOUNT.domainName,
    userName: DEMO_ACCOUNT.userName,
    password: DEMO_ACCOUNT.password,
    projectName: 'cn-north-4',
  });
  return issued.token;
}

/** Sends a create to a service, as the demo user. */
export function createConnection(url: string, token: string, workspaceId: string, body: object) {
  return fetch(`${url}/v1/${DEMO_ACCOUNT.projectId}/connections/vpc-endpoint`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'X-Workspace-Id': workspaceId, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function defaultWorkspace(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/v1/${DEMO_ACCOUNT.projectId}/workspaces`, {
    headers: { 'X-Auth-Token': token },
  });
  return (await response.json()).page_data[0].id;
}
