/**
 * Helpers for the simulator tests: start a simulator on loopback, and call it with an AK/SK signature or a
 * token over a real socket.
 */
import type { TestContext } from 'node:test';
import { request } from 'undici';
import { type AccessKey, signRequest } from '../../src/cloud/signer.ts';
import { PLATFORM_ACCESS_KEY, PLATFORM_ACCOUNT } from '../../src/simulator/demo.ts';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.ts';

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined for an empty body. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whichever response fields they assert on.
  body: any;
}

/** Starts a simulator on 127.0.0.1 with a free port and closes it when the test ends. */
export async function startTestSimulator(
  t: TestContext,
  options: SimulatorOptions = {},
): Promise<RunningSimulator> {
  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    endpointSettleDelayMs: 20,
    ...options,
  });
  t.after(() => simulator.close());
  return simulator;
}

export interface CallOptions {
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function send(
  simulator: RunningSimulator,
  method: string,
  path: string,
  options: CallOptions & { rawBody?: string } = {},
): Promise<Response> {
  const url = buildUrl(simulator, path, options.query);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await request(url, {
    method: method as 'GET',
    headers: { 'content-type': 'application/json', ...options.headers },
    body,
  });
  return readResponse(response);
}

/** Sends a request signed with `key` (default the platform's), as the product's VPCEP client does. */
export async function sendSigned(
  simulator: RunningSimulator,
  method: string,
  path: string,
  options: CallOptions & { key?: AccessKey; signedAt?: Date } = {},
): Promise<Response> {
  const url = buildUrl(simulator, path, options.query);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers = signRequest(
    { method, url, headers: { 'content-type': 'application/json', ...options.headers }, body },
    options.key ?? PLATFORM_ACCESS_KEY,
    options.signedAt,
  );

  const response = await request(url, { method: method as 'GET', headers, body });
  return readResponse(response);
}

export function buildUrl(simulator: RunningSimulator, path: string, query?: Record<string, string>): URL {
  const url = new URL(path, simulator.url);
  for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
  return url;
}

export async function readResponse(response: Awaited<ReturnType<typeof request>>): Promise<Response> {
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** Issues a project-scoped token for a demo account's user. */
export async function issueToken(
  simulator: RunningSimulator,
  account: { userName: string; password: string; domainName: string },
  projectName = 'cn-north-4',
): Promise<string> {
  const response = await send(simulator, 'POST', '/v3/auth/tokens', {
    body: passwordAuth(account, { project: { name: projectName } }),
  });
  if (response.status !== 201) throw new Error(`token request failed with ${response.status}`);
  return response.headers['x-subject-token'] as string;
}

export function passwordAuth(
  account: { userName: string; password: string; domainName: string },
  scope?: Record<string, unknown>,
) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: account.userName, password: account.password, domain: { name: account.domainName } },
        },
      },
      ...(scope ? { scope } : {}),
    },
  };
}

export const platformPath = (suffix: string) => `/v1/${PLATFORM_ACCOUNT.projectId}/${suffix}`;

/** Reads an endpoint until it leaves `creating`; gives up after 200 reads. */
export async function waitForSettledEndpoint(
  simulator: RunningSimulator,
  endpointId: string,
): Promise<Response> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const response = await sendSigned(simulator, 'GET', platformPath(`vpc-endpoints/${endpointId}`));
    if (response.status !== 200 || response.body.status !== 'creating') return response;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`endpoint ${endpointId} is still creating after 200 reads`);
}
