/**
 * Failpoints: named places in a create where the crash-safety tests stop the process with SIGKILL, to
 * prove that a restart plus one sync pass loses and duplicates no endpoint. They are off unless the
 * `VPCEP_CONNECT_FAILPOINTS` setting names them, which only those tests do.
 */

export type FailpointName =
  | 'create.after-reserve'
  | 'create.after-endpoint-create'
  | 'create.during-wait'
  | 'create.before-commit';

const active = new Set<string>();

/** Arms the named failpoints; called once at start from the configuration. */
export function configureFailpoints(names: readonly string[]): void {
  active.clear();
  for (const name of names) active.add(name);
}

/** Kills the process at once when `name` is armed; does nothing otherwise. */
export function failpoint(name: FailpointName): void {
  if (active.has(name)) process.kill(process.pid, 'SIGKILL');
}
