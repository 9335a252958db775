#!/usr/bin/env node
// Runs every test/**/*.test.ts file with Node's own test runner. Node 20 does not expand globs
// itself, so this script lists the files; extra arguments (such as --test-name-pattern) pass through.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const explicitFiles = args.filter((arg) => arg.endsWith('.ts'));
const options = args.filter((arg) => !arg.endsWith('.ts'));
const files = explicitFiles.length > 0 ? explicitFiles : findTests('test').sort();

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...options, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
