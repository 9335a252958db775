import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { DEMO_SERVICES, serviceName } from '../src/simulator/demo.ts';
import { type Harness, postConnection, startHarness } from './support/harness.ts';

const BODY = { ds_type: 'DWS', vpc_ep_server_name: serviceName(DEMO_SERVICES.auto) };

/** Starts a loopback server that plays a broken upstream. */
async function listen(handler: (server: Server) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer();
  handler(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function closedPortUrl(): Promise<string> {
  const server = await listen(() => {});
  await server.close();
  return server.url;
}

const silentServer = (server: Server) => server.on('request', () => {});
const failingServer = (server: Server) =>
  server.on('request', (_request, response) => {
    response.writeHead(500, { 'content-type': 'application/json', 'x-request-id': 'upstream-req-1' });
    response.end(JSON.stringify({ error_code: 'EndPoint.0001', error_msg: 'System error. Please retry.' }));
  });

for (const service of ['iam', 'vpcep'] as const) {
  const label = service === 'iam' ? 'IAM' : 'VPCEP';
  const prefix = service === 'iam' ? '2001009' : '2409009';

  describe(`${label} failures`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
      for (const cleanup of cleanups) await cleanup();
    });

    async function harnessWith(endpoint: string): Promise<Harness> {
      const overrides = service === 'iam' ? { iamEndpoint: endpoint } : { vpcepEndpoint: endpoint };
      // One attempt per call: these tests are about how a failure is reported, not about retries.
      const harness = await startHarness({
        ...overrides,
        upstreamTimeoutMs: 300,
        env: { UPSTREAM_MAX_ATTEMPTS: '1' },
      });
      cleanups.push(() => harness.close());
      return harness;
    }

    test(`unreachable ${label} is 503`, async () => {
      const harness = await harnessWith(await closedPortUrl());
      const response = await postConnection(harness, BODY);

      assert.equal(response.statusCode, 503);
      assert.equal(response.json().error_code, `DataArtsInsight.${prefix}1`);
      assert.match(response.json().error_msg, new RegExp(`^${label} could not be reached`));
    });

    test(`${label} that never answers is 504`, async () => {
      const upstream = await listen(silentServer);
      cleanups.push(upstream.close);
      const harness = await harnessWith(upstream.url);
      const response = await postConnection(harness, BODY);

      assert.equal(response.statusCode, 504);
      assert.equal(response.json().error_code, `DataArtsInsight.${prefix}2`);
      assert.match(response.json().error_msg, new RegExp(`^${label} timed out`));
    });

    test(`${label} answering 500 is 502`, async () => {
      const upstream = await listen(failingServer);
      cleanups.push(upstream.close);
      const harness = await harnessWith(upstream.url);
      const response = await postConnection(harness, BODY);

      assert.equal(response.statusCode, 502);
      assert.equal(response.json().error_code, `DataArtsInsight.${prefix}0`);
      assert.match(response.json().error_msg, new RegExp(`^${label} failed .*HTTP 500`));
      assert.match(response.json().error_msg, /upstream request id upstream-req-1/);
    });
  });
}
