/**
 * The lifecycle meaning of each endpoint status: when the status sync reads the endpoint again, and
 * which statuses need a new endpoint on the next create.
 *
 * Statuses a connection can show:
 * - `creating`, `pendingAcceptance`, `accepted`, `rejected`, `failed`, `deleting`: VPCEP's own endpoint
 *   statuses, as last read;
 * - `deleted`: VPCEP no longer has the endpoint (it was deleted outside vpcep-connect);
 * - `expired`: the endpoint stayed `pendingAcceptance` longer than the pending window, so vpcep-connect
 *   deleted it.
 */

/** Every status a connection can show, in VPCEP's spelling. */
export const CONNECTION_STATUSES = [
  'creating',
  'pendingAcceptance',
  'accepted',
  'rejected',
  'failed',
  'deleting',
  'deleted',
  'expired',
] as const;

/** Returns the canonical spelling of a status, matched case-insensitively, or undefined when unknown. */
export function canonicalStatus(value: string): string | undefined {
  const lower = value.trim().toLowerCase();
  return CONNECTION_STATUSES.find((status) => status.toLowerCase() === lower);
}

export interface StatusPolicySettings {
  /** Re-read interval for `creating` and `deleting` endpoints. */
  creatingCheckMs: number;
  /** Re-read interval for `pendingAcceptance`: it grows with the endpoint's age between these bounds. */
  pendingCheckMinMs: number;
  pendingCheckMaxMs: number;
  /** Re-read interval for `accepted`, to notice a later rejection or deletion. */
  acceptedCheckMs: number;
  /** How long an endpoint may stay `pendingAcceptance` before it is deleted and marked `expired`. */
  pendingExpiryMs: number;
}

export const DEFAULT_STATUS_POLICY: StatusPolicySettings = {
  creatingCheckMs: 5_000,
  pendingCheckMinMs: 10_000,
  pendingCheckMaxMs: 5 * 60_000,
  acceptedCheckMs: 5 * 60_000,
  pendingExpiryMs: 14 * 24 * 60 * 60_000,
};

/** Statuses after which the endpoint is not read again by the sync; a new create replaces the endpoint. */
export const REPLACEABLE_STATUSES: ReadonlySet<string> = new Set([
  'rejected',
  'failed',
  'deleted',
  'expired',
]);

/** Returns when the sync should next read an endpoint in `status`, or null for never. */
export function nextCheckAt(
  status: string,
  now: number,
  endpointCreatedAt: number,
  settings: StatusPolicySettings,
): number | null {
  switch (status) {
    case 'creating':
    case 'deleting':
      return now + settings.creatingCheckMs;
    case 'pendingAcceptance': {
      // Young endpoints are checked often, because owners usually accept soon after a request.
      const age = Math.max(0, now - endpointCreatedAt);
      const interval = Math.min(settings.pendingCheckMaxMs, Math.max(settings.pendingCheckMinMs, age / 10));
      const expiry = endpointCreatedAt + settings.pendingExpiryMs;
      return Math.min(now + interval, Math.max(expiry, now));
    }
    case 'accepted':
      return now + settings.acceptedCheckMs;
    default:
      return REPLACEABLE_STATUSES.has(status) ? null : now + settings.acceptedCheckMs;
  }
}

export function isPendingExpired(
  status: string,
  now: number,
  endpointCreatedAt: number,
  settings: StatusPolicySettings,
): boolean {
  return status === 'pendingAcceptance' && now - endpointCreatedAt >= settings.pendingExpiryMs;
}
