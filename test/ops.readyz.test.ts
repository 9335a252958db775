import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { type Harness, startHarness } from './support/harness.ts';

/** Returns a loopback URL whose port was just freed, so connecting to it is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function get(harness: Harness, url: string) {
  return harness.app.inject({ method: 'GET', url });
}

describe('GET /readyz', () => {
  const harnesses: Harness[] = [];
  after(async () => {
    for (const harness of harnesses) await harness.close();
  });

  async function harnessWith(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
    const harness = await startHarness(options);
    harnesses.push(harness);
    return harness;
  }

  test('is ready on the simulator', async () => {
    const harness = await harnessWith();
    const response = await get(harness, '/readyz');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      status: 'ready',
      checks: {
        database: { status: 'ok' },
        migrations: { status: 'ok' },
        iam: { status: 'ok' },
        vpcep: { status: 'ok' },
      },
    });
  });

  test('names an unreachable VPCEP', async () => {
    const harness = await harnessWith({ vpcepEndpoint: await closedPortUrl() });
    const response = await get(harness, '/readyz');
    assert.equal(response.statusCode, 503);
    const body = response.json();
    assert.equal(body.status, 'not ready');
    assert.equal(body.checks.vpcep.status, 'failed');
    assert.match(body.checks.vpcep.error, /ECONNREFUSED/);
    assert.equal(body.checks.iam.status, 'ok');
    assert.equal(body.checks.database.status, 'ok');
  });

  test('keeps healthz up without VPCEP', async () => {
    const harness = await harnessWith({ vpcepEndpoint: await closedPortUrl() });
    assert.equal((await get(harness, '/healthz')).statusCode, 200);
  });

  test('reuses a recent upstream probe', async () => {
    let probes = 0;
    const server = createServer((_request, response) => {
      probes += 1;
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const harness = await harnessWith({ vpcepEndpoint: `http://127.0.0.1:${port}` });

    const responses = await Promise.all([get(harness, '/readyz'), get(harness, '/readyz')]);
    responses.push(await get(harness, '/readyz'));

    for (const response of responses) assert.equal(response.statusCode, 200);
    assert.equal(probes, 1);
  });

  test('names a closed database', async () => {
    const harness = await harnessWith();
    await harness.store.close();
    const response = await get(harness, '/readyz');
    assert.equal(response.statusCode, 503);
    const body = response.json();
    assert.equal(body.checks.database.status, 'failed');
    assert.equal(body.checks.migrations.status, 'failed');
    assert.equal(body.checks.vpcep.status, 'ok');
  });

  test('names a pending migration', async () => {
    const harness = await harnessWith();
    await sql`delete from kysely_migration where name = ${'0002_leases'}`.execute(harness.store.db);
    const response = await get(harness, '/readyz');
    assert.equal(response.statusCode, 503);
    assert.match(response.json().checks.migrations.error, /0002_leases/);
  });
});
