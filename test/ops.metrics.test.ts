import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DEMO_SERVICES } from '../src/simulator/demo.ts';
import { callApi, type Harness, postConnection, startHarness } from './support/harness.ts';

/**
 * Returns the value of the first sample of `name` whose labels include `labels`, or undefined when there
 * is none. Label order in the exposition is not fixed, so each label is matched on its own.
 */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  let harness: Harness;
  let text: string;
  let contentType: string | undefined;

  before(async () => {
    harness = await startHarness();

    // A create that succeeds, after one throttled quota read that is retried.
    harness.simulator.faults.add({ operations: ['ListQuotaDetails'], throttle: true, times: 1 });
    const created = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_id: DEMO_SERVICES.auto.id,
    });
    assert.equal(created.statusCode, 200);

    // A create whose endpoint creation fails upstream; a POST is not retried.
    harness.simulator.faults.add({ operations: ['CreateEndpoint'], status: 500, times: 1 });
    const failed = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_id: DEMO_SERVICES.approval.id,
    });
    assert.equal(failed.statusCode, 502);

    // The same token again, served from the token cache.
    assert.equal((await callApi(harness, 'GET', '/connections/vpc-endpoint')).statusCode, 200);
    assert.equal((await harness.app.inject({ method: 'GET', url: '/no-such-path' })).statusCode, 404);
    assert.equal((await harness.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);

    await harness.store.db.updateTable('connections').set({ next_check_at: 1 }).execute();
    const pass = await harness.syncOnce();
    assert.equal(pass.refreshed, 1);

    const response = await harness.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    text = response.body;
    contentType = response.headers['content-type'] as string | undefined;
  });
  after(() => harness?.close());

  test('is Prometheus text', () => {
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4/);
  });

  test('includes the process metrics', () => {
    assert.ok(sample(text, 'process_cpu_user_seconds_total') !== undefined);
  });

  test('counts API requests', () => {
    const ok = { operation: 'VerifyAndCreateVpcEp', method: 'POST', status: '200' };
    const bad = { operation: 'VerifyAndCreateVpcEp', method: 'POST', status: '502' };
    const list = { operation: 'ListVpcEpConnections', method: 'GET', status: '200' };
    const notFound = { operation: 'NotFound', method: 'GET', status: '404' };
    assert.equal(sample(text, 'vpcep_connect_http_requests_total', ok), 1);
    assert.equal(sample(text, 'vpcep_connect_http_requests_total', bad), 1);
    assert.equal(sample(text, 'vpcep_connect_http_requests_total', list), 1);
    assert.equal(sample(text, 'vpcep_connect_http_requests_total', notFound), 1);
    assert.equal(sample(text, 'vpcep_connect_http_request_duration_seconds_count', ok), 1);
    assert.equal(
      sample(text, 'vpcep_connect_http_request_duration_seconds_bucket', { ...ok, le: '+Inf' }),
      1,
    );
  });

  test('leaves out probes and scrapes', () => {
    assert.equal(sample(text, 'vpcep_connect_http_requests_total', { operation: 'Health' }), undefined);
    assert.equal(sample(text, 'vpcep_connect_http_requests_total', { operation: 'Metrics' }), undefined);
  });

  test('counts upstream calls by outcome', () => {
    const calls = 'vpcep_connect_upstream_calls_total';
    const create = { service: 'vpcep', operation: 'createEndpoint' };
    const quota = { service: 'vpcep', operation: 'getEndpointQuota' };
    assert.equal(sample(text, calls, { ...create, outcome: 'ok' }), 1);
    assert.equal(sample(text, calls, { ...create, outcome: 'http_5xx' }), 1);
    assert.equal(sample(text, calls, { ...quota, outcome: 'throttled' }), 1);
    assert.ok((sample(text, calls, { service: 'iam', operation: 'validateToken', outcome: 'ok' }) ?? 0) >= 1);
    assert.equal(sample(text, 'vpcep_connect_upstream_call_duration_seconds_count', create), 2);
  });

  test('counts upstream retries', () => {
    const labels = { service: 'vpcep', operation: 'getEndpointQuota', reason: 'throttled' };
    assert.equal(sample(text, 'vpcep_connect_upstream_retries_total', labels), 1);
  });

  test('counts token cache hits and misses', () => {
    assert.ok((sample(text, 'vpcep_connect_token_cache_hits_total') ?? 0) >= 1);
    assert.ok((sample(text, 'vpcep_connect_token_cache_misses_total') ?? 0) >= 1);
  });

  test('describes the sync pass', () => {
    assert.equal(sample(text, 'vpcep_connect_sync_passes_total'), 1);
    assert.equal(sample(text, 'vpcep_connect_sync_batch_size_count'), 1);
    assert.equal(sample(text, 'vpcep_connect_sync_batch_size_sum'), 1);
    assert.ok((sample(text, 'vpcep_connect_sync_lag_seconds') ?? 0) > 0);
    assert.equal(sample(text, 'vpcep_connect_sync_rows_total', { outcome: 'refreshed' }), 1);
    assert.equal(sample(text, 'vpcep_connect_sync_rows_total', { outcome: 'failed' }), 0);
    assert.equal(sample(text, 'vpcep_connect_sync_rows_total', { outcome: 'orphansDeleted' }), 0);
  });

  test('counts connections by status', () => {
    assert.equal(sample(text, 'vpcep_connect_connections', { status: 'accepted' }), 1);
  });
});

describe('GET /metrics with VPCEP down', () => {
  test('counts unreachable calls and retries', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const harness = await startHarness({
      vpcepEndpoint: `http://127.0.0.1:${port}`,
      env: { UPSTREAM_MAX_ATTEMPTS: '2' },
    });
    after(() => harness.close());

    const created = await postConnection(harness, {
      ds_type: 'DWS',
      vpc_ep_server_id: DEMO_SERVICES.auto.id,
    });
    assert.equal(created.statusCode, 503);
    const text = (await harness.app.inject({ method: 'GET', url: '/metrics' })).body;

    const describe = { service: 'vpcep', operation: 'describeServiceById' };
    assert.equal(
      sample(text, 'vpcep_connect_upstream_calls_total', { ...describe, outcome: 'unreachable' }),
      2,
    );
    assert.equal(
      sample(text, 'vpcep_connect_upstream_retries_total', { ...describe, reason: 'unreachable' }),
      1,
    );
  });
});
