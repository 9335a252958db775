#!/usr/bin/env node
// Runs the test suite with Node's own test runner, in two passes:
// 1. every test/**/*.test.ts file, with the API tests on SQLite;
// 2. the files that build the whole service (they call startHarness) again, on PostgreSQL, so the
//    production store runs the same API, lifecycle and operations tests.
// Node 20 does not expand globs, so this script lists the files. Extra arguments pass through, and
// .ts arguments narrow the run to those files. The last line sums both passes up.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

async function postgresProblem() {
  const client = new pg.Client({
    connectionString: process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return error.message;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs one pass, echoing its output, and returns the counts from its closing summary. */
function runPass(files, options, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...options, ...files], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const counts = { pass: 0, fail: 0, skipped: 0 };
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const match = /^# (pass|fail|skipped) (\d+)$/.exec(line);
        if (match) counts[match[1]] = Number(match[2]);
      }
    });
    child.on('close', (code) => resolve({ ...counts, code: code ?? 1 }));
  });
}

const args = process.argv.slice(2);
const explicitFiles = args.filter((arg) => arg.endsWith('.ts'));
const options = args.filter((arg) => !arg.endsWith('.ts'));
const files = explicitFiles.length > 0 ? explicitFiles : findTests('test').sort();
const harnessFiles = files.filter((file) => readFileSync(file, 'utf8').includes('startHarness('));

const results = [await runPass(files, options, {})];

if (harnessFiles.length > 0) {
  const problem = await postgresProblem();
  if (!problem) {
    console.log(`# PostgreSQL pass: ${harnessFiles.length} files that build the service, on PostgreSQL`);
    results.push(await runPass(harnessFiles, options, { VPCEP_TEST_STORE: 'postgres' }));
  } else if (process.env.CI === 'true') {
    console.log(`# PostgreSQL pass failed: PostgreSQL is not reachable (${problem}); CI requires it`);
    results.push({ pass: 0, fail: 1, skipped: 0, code: 1 });
  } else {
    console.log(
      `# skipped the PostgreSQL pass: PostgreSQL is not reachable (${problem}); start it on 127.0.0.1:5432 ` +
        'or set TEST_DATABASE_URL, then run npm test again',
    );
  }
}

const total = results.reduce((sum, result) => ({
  pass: sum.pass + result.pass,
  fail: sum.fail + result.fail,
  skipped: sum.skipped + result.skipped,
}));
console.log(`Total: ${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped`);
process.exit(results.some((result) => result.code !== 0) ? 1 : 0);
