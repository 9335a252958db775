/**
 * Fault rules of the simulator's fault plan: their fields, their validation, and the errors that a
 * `throttle` or `status` rule responds with.
 */
import { STATUS_CODES } from 'node:http';
import { keystoneError, SimulatorError } from './errors.ts';

export interface FaultRule {
  /** Operation names as Huawei's SDK calls them, such as `CreateEndpoint`. Default: every operation. */
  operations?: string[];
  /** Number of matching calls the rule applies to. Default: unlimited. */
  times?: number;
  /** Milliseconds to wait before handling the call (or before the rule's other fault). */
  latencyMs?: number;
  /** HTTP status to respond with instead of handling the call, with `code` and `message` in the error body. */
  status?: number;
  code?: string;
  message?: string;
  /** Whether to respond with 429 `EndPoint.0022` instead of handling the call. */
  throttle?: boolean;
  /** Whether to run the handler, so that the state changes, and then destroy the socket without a response. */
  dropResponse?: boolean;
  /** Whether to never respond. The socket is destroyed when the app closes. */
  hang?: boolean;
}

const RULE_FIELDS = new Set([
  'operations',
  'times',
  'latencyMs',
  'status',
  'code',
  'message',
  'throttle',
  'dropResponse',
  'hang',
]);

/** Message of `EndPoint.0022` in VPCEP's error-code table. */
const THROTTLE_MESSAGE = 'The number of requests exceeded the limit. Please try later.';

/**
 * Builds the 429 for a throttled call. VPCEP's error-code table lists `EndPoint.0022` with HTTP 400, but
 * throttling reaches clients as 429 from Huawei's API gateway, so the fault responds with 429 and that code. IAM's
 * Keystone error body has no string code, so an IAM call gets the gateway's own `APIGW.0308` body instead.
 */
export function throttleError(isIam: boolean): SimulatorError {
  if (isIam) {
    return new SimulatorError(429, 'gateway', 'APIGW.0308', 'The throttling threshold has been reached.');
  }
  return new SimulatorError(429, 'vpcep', 'EndPoint.0022', THROTTLE_MESSAGE);
}

/** Builds the error for a `status` rule. Without `code`, a 5xx gets `EndPoint.0001` and a 4xx `EndPoint.0002`. */
export function statusError(rule: FaultRule, isIam: boolean): SimulatorError {
  const status = rule.status as number;
  if (isIam) return keystoneError(status, rule.message ?? STATUS_CODES[status] ?? 'Injected fault');

  const serverError = status >= 500;
  const code = rule.code ?? (serverError ? 'EndPoint.0001' : 'EndPoint.0002');
  const message = rule.message ?? (serverError ? 'System error. Please retry.' : 'Parameter error.');
  return new SimulatorError(status, 'vpcep', code, message);
}

/** Checks a rule from code or from a control API body and returns a copy. Throws a `RangeError` naming the field. */
export function parseFaultRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError('a fault rule must be a JSON object');
  }
  const rule = value as Record<string, unknown>;
  const unknownField = Object.keys(rule).find((key) => !RULE_FIELDS.has(key));
  if (unknownField) {
    throw new RangeError(`unknown field "${unknownField}"; expected ${[...RULE_FIELDS].join(', ')}`);
  }

  checkFieldTypes(rule);
  checkOutcome(rule);
  return structuredClone(rule) as FaultRule;
}

function checkFieldTypes(rule: Record<string, unknown>): void {
  const { operations, times, latencyMs, status } = rule;
  if (
    operations !== undefined &&
    !(
      Array.isArray(operations) &&
      operations.length > 0 &&
      operations.every((name) => typeof name === 'string' && name !== '')
    )
  ) {
    throw new RangeError(
      'operations must be a non-empty array of operation names, such as ["CreateEndpoint"]',
    );
  }
  if (times !== undefined && !(Number.isInteger(times) && (times as number) >= 1)) {
    throw new RangeError(`times must be a positive integer, got ${JSON.stringify(times)}`);
  }
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && (latencyMs as number) >= 0)) {
    throw new RangeError(`latencyMs must be a non-negative number, got ${JSON.stringify(latencyMs)}`);
  }
  if (
    status !== undefined &&
    !(Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 599)
  ) {
    throw new RangeError(
      `status must be an HTTP error status from 400 to 599, got ${JSON.stringify(status)}`,
    );
  }
  for (const name of ['code', 'message']) {
    if (rule[name] !== undefined && typeof rule[name] !== 'string')
      throw new RangeError(`${name} must be a string`);
  }
  for (const name of ['throttle', 'dropResponse', 'hang']) {
    if (rule[name] !== undefined && typeof rule[name] !== 'boolean')
      throw new RangeError(`${name} must be a boolean`);
  }
}

/** Requires some effect, and at most one of the effects that decide the response. */
function checkOutcome(rule: Record<string, unknown>): void {
  const outcomes = ['status', 'throttle', 'dropResponse', 'hang'].filter(
    (name) => rule[name] !== undefined && rule[name] !== false,
  );
  if (outcomes.length > 1) {
    throw new RangeError(
      `a fault rule can have only one of status, throttle, dropResponse and hang, got ${outcomes}`,
    );
  }
  if (outcomes.length === 0 && rule.latencyMs === undefined) {
    throw new RangeError('a fault rule needs latencyMs, status, throttle, dropResponse or hang');
  }
  if ((rule.code !== undefined || rule.message !== undefined) && rule.status === undefined) {
    throw new RangeError('code and message apply only to a rule with status');
  }
}
