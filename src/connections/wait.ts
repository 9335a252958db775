/**
 * Polls a new endpoint until it leaves `creating`, with capped exponential backoff and an overall
 * deadline. VPCEP creates endpoints asynchronously (they usually settle within one or two minutes), and
 * a GET right after the create can return 404 until the new endpoint is visible, so 404 is retried.
 */
import type { Endpoint, VpcepClient } from '../cloud/ports.ts';
import { isNotFound } from './upstream-errors.ts';

export interface WaitOptions {
  /** Overall deadline in milliseconds; 0 returns after the first read. */
  timeoutMs: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called after each read that found the endpoint still `creating`. */
  onPoll?: () => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Returns the endpoint once its status is not `creating`, or the last `creating` read (undefined when
 * every read returned 404) when the deadline passes. Other errors are raised to the caller.
 */
export async function waitWhileCreating(
  vpcep: VpcepClient,
  endpointId: string,
  options: WaitOptions,
): Promise<Endpoint | undefined> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const maxDelay = options.maxDelayMs ?? 3000;
  let delay = options.initialDelayMs ?? 200;
  let last: Endpoint | undefined;

  for (;;) {
    try {
      last = await vpcep.getEndpoint(endpointId);
      if (last.status !== 'creating') return last;
      options.onPoll?.();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }

    const remaining = deadline - now();
    if (remaining <= 0) return last;

    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, maxDelay);
  }
}
