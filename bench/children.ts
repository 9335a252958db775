/**
 * Child processes of the benchmark. Each server runs in a process of its own, started with `fork` so it
 * can send its URL over the IPC channel once it listens. A child stops when it receives SIGTERM or when
 * its parent disconnects, so a benchmark that dies does not leave servers behind.
 */
import { type ChildProcess, fork } from 'node:child_process';

/** The first IPC message a server child sends: where it listens, and what it prepared. */
export interface ReadyMessage {
  kind: 'ready';
  url: string;
  /** Only from the service child: the base URL of the simulator, which is its IAM and VPCEP. */
  simulatorUrl?: string;
  /** Only from the service child: full names of the endpoint services that accept without approval. */
  serviceNames?: string[];
}

export interface ServerChild {
  process: ChildProcess;
  ready: ReadyMessage;
}

/** How long a child may take to start listening, and to stop. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** Forks `script` under tsx and resolves with its ready message, or rejects when it exits or times out. */
export function startServerChild(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ServerChild> {
  const child = fork(script, args, {
    execArgv: ['--import', 'tsx'],
    env,
    // The servers' stdout is not needed, and at LOG_LEVEL info it carries one JSON line per request.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });

  return new Promise<ServerChild>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not report that it listens within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once('message', (message: ReadyMessage) => {
      clearTimeout(timer);
      resolve({ process: child, ready: message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (code ${code}, signal ${signal}) before it listened`));
    });
  });
}

/** Stops a child with SIGTERM, and with SIGKILL when it is still running after STOP_TIMEOUT_MS. */
export async function stopServerChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Sends the ready message to the parent and runs `close` once on SIGTERM or when the parent
 * disconnects, then exits. Used inside a server child.
 */
export function reportReady(message: ReadyMessage, close: () => Promise<void>): void {
  if (!process.send) {
    throw new Error(
      'no IPC channel: the benchmark servers run as children of bench/run.ts; start npm run bench',
    );
  }

  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('closing the benchmark server failed:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send(message);
}
