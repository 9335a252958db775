import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Starts `vpcep-connect start` on free ports and resolves with everything it printed up to the walkthrough. */
async function startCli(env: Record<string, string>): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  let errors = '';
  child.stderr?.on('data', (chunk) => {
    errors += chunk;
  });
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('"vpc_ep_server_name"')) resolve(output);
    });
    child.once('exit', (code) => reject(new Error(`start exited with ${code}: ${errors}`)));
  });
  return { child, banner };
}

describe('npm start', () => {
  let dataDir: string;
  let child: ChildProcess;
  let banner: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vpcep-connect-cli-'));
    ({ child, banner } = await startCli({
      PORT: '0',
      SIM_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SIM_SETTLE_DELAY_MS: '50',
    }));
  });
  after(async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  test('banner names the URLs and demo logins', () => {
    assert.match(banner, /API: +http:\/\/127\.0\.0\.1:\d+/);
    assert.match(banner, /IAM and VPCEP: +http:\/\/127\.0\.0\.1:\d+/);
    assert.match(banner, /demo \/ demo-password in domain demo/);
    assert.match(banner, /customer \/ customer-password/);
  });

  test('printed walkthrough creates an accepted connection', async () => {
    const script = banner.slice(banner.indexOf('# 1.'));
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script]);
    const record = JSON.parse(stdout);

    assert.equal(Object.keys(record).length, 15);
    assert.equal(record.vpc_ep_client_status, 'accepted');
    assert.equal(record.ds_type, 'DWS');
  });

  test('health check answers 200', async () => {
    const api = /API: +(\S+)/.exec(banner)?.[1];
    const response = await fetch(`${api}/healthz`);

    assert.equal(response.status, 200);
  });

  test('data lives in DATA_DIR', async () => {
    const { stdout } = await run('ls', [dataDir]);
    assert.match(stdout, /vpcep-connect\.sqlite/);
  });
});

test('invalid settings stop start with every problem', async () => {
  const result = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start'], {
    env: { ...process.env, PORT: 'eighty', IAM_ENDPOINT: 'http://127.0.0.1:1' },
  }).catch((error) => error);

  assert.equal(result.code, 2);
  assert.match(result.stderr, /PORT "eighty" is not a TCP port/);
  assert.match(result.stderr, /VPCEP_ENDPOINT is required/);
  assert.match(result.stderr, /HUAWEICLOUD_SDK_SK is required/);
});

test('flags set settings and win over the environment', async () => {
  const result = await run(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'start', '--port', 'abc'],
    {
      env: { ...process.env, PORT: '8080' },
    },
  ).catch((error) => error);

  assert.equal(result.code, 2);
  assert.match(result.stderr, /PORT "abc" is not a TCP port/);
});
