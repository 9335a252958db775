/**
 * The hook through which the cloud transport reports each upstream call and retry, so that metrics can
 * count them without this layer knowing about any metrics library.
 */
import { performance } from 'node:perf_hooks';
import { CloudError, type CloudService } from './errors.ts';
import { type AttemptOutcome, isThrottled, type RetryReason } from './retry.ts';

/** Result of one attempt: a 2xx response (`ok`) or the kind of failure. */
export type UpstreamOutcome =
  | 'ok'
  | 'http_4xx'
  | 'http_5xx'
  | 'timeout'
  | 'unreachable'
  | 'invalid_response'
  | 'throttled';

/** One HTTP exchange with IAM or VPCEP; a retried call reports one event per attempt. */
export interface UpstreamCallEvent {
  service: CloudService;
  /** The client's operation name, such as `createEndpoint`. */
  operation: string;
  outcome: UpstreamOutcome;
  /** From just before the request is sent until the response body is read and checked. */
  durationSeconds: number;
}

/** A failed attempt that is about to be sent again. */
export interface UpstreamRetryEvent {
  service: CloudService;
  operation: string;
  reason: RetryReason;
}

/** Receives upstream calls and retries. Implementations must not throw, and must return quickly. */
export interface TransportObserver {
  onCall(event: UpstreamCallEvent): void;
  onRetry(event: UpstreamRetryEvent): void;
}

/**
 * Classifies a failed attempt. Throttling wins over the status class, as it does for retries, and a
 * non-2xx status below 400 (a redirect) counts as an invalid response.
 */
export function failureOutcome(error: CloudError): Exclude<UpstreamOutcome, 'ok'> {
  if (isThrottled(error)) return 'throttled';
  switch (error.kind) {
    case 'timeout':
      return 'timeout';
    case 'unreachable':
      return 'unreachable';
    case 'invalid-response':
      return 'invalid_response';
    case 'http': {
      const status = error.httpStatus ?? 0;
      if (status >= 500) return 'http_5xx';
      return status >= 400 ? 'http_4xx' : 'invalid_response';
    }
  }
}

/** Runs one attempt and reports its outcome and duration to `observer`, if there is one. */
export async function observeAttempt<T>(
  observer: TransportObserver | undefined,
  service: CloudService,
  operation: string,
  attempt: () => Promise<AttemptOutcome<T>>,
): Promise<AttemptOutcome<T>> {
  if (!observer) return attempt();

  const started = performance.now();
  const report = (error: CloudError | undefined) =>
    observer.onCall({
      service,
      operation,
      outcome: error ? failureOutcome(error) : 'ok',
      durationSeconds: (performance.now() - started) / 1000,
    });

  let outcome: AttemptOutcome<T>;
  try {
    outcome = await attempt();
  } catch (error) {
    // An invalid 2xx body surfaces as a thrown CloudError. Other errors come from our own request (an
    // invalid argument, an abort) or from a bug in the caller's reader, so they are no upstream outcome.
    if (error instanceof CloudError) report(error);
    throw error;
  }
  report('error' in outcome ? outcome.error : undefined);
  return outcome;
}
