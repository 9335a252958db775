import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function runTool(command: string, args: string[]) {
  return run(command, args, { maxBuffer: 16 * 1024 * 1024 }).then(
    (result) => ({ code: 0, output: result.stdout + result.stderr }),
    (error) => ({ code: error.code as number, output: `${error.stdout}${error.stderr}` }),
  );
}

test('TypeScript reports no errors', async () => {
  const result = await runTool('node_modules/.bin/tsc', ['--noEmit']);
  assert.equal(result.code, 0, result.output);
});

test('Biome reports no lint or format errors', async () => {
  const result = await runTool('node_modules/.bin/biome', ['check', '.']);
  assert.equal(result.code, 0, result.output);
});
