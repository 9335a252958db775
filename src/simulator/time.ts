/**
 * Timestamp formats of the simulated APIs, both in UTC.
 */

/** Formats VPCEP's `YYYY-MM-DDTHH:MM:SSZ`, as in `created_at` and `updated_at`. */
export function formatVpcepTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Formats IAM's microsecond form `YYYY-MM-DDTHH:MM:SS.ffffffZ`, as in a token's `expires_at`. */
export function formatIamTime(time: Date): string {
  return time.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
