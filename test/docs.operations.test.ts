import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { skipUnlessPostgres } from './support/postgres.ts';

const run = promisify(execFile);

test('docs/operations.md commands run as written', { skip: await skipUnlessPostgres() }, async () => {
  const text = await readFile(new URL('../docs/operations.md', import.meta.url), 'utf8');
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  assert.ok(blocks.length >= 3, 'the page has its command blocks');

  // The blocks run in one shell, as a reader pastes them one after another. A failed command stops
  // the run, and the trap stops whatever it started in the background.
  const script = ['set -eo pipefail', "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT", ...blocks].join(
    '\n',
  );
  const { stdout } = await run('bash', ['-c', script], { timeout: 120_000, maxBuffer: 4 * 1024 * 1024 });

  assert.match(stdout, /"vpc_ep_client_status":"accepted"/);
  assert.match(stdout, /"count":1/);
  assert.match(stdout, /vpcep_connect_connections\{status="accepted"\} 1$/m);
  assert.equal(stdout.match(/"msg":"vpcep-connect stopped"/g)?.length, 3);
});
