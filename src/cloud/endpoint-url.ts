/** Parsing of configured service endpoints, and query strings encoded as the AK/SK signer expects. */
import { encodeRfc3986 } from './signer.ts';

/**
 * Splits a configured base URL into origin and path prefix. Trailing slashes are stripped, because a
 * doubled slash would be signed as an empty path segment.
 */
export function parseEndpoint(endpoint: string): { origin: string; basePath: string } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`invalid endpoint URL "${endpoint}": expected a URL such as https://host`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`invalid endpoint URL "${endpoint}": the scheme must be http or https`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError(`invalid endpoint URL for ${url.origin}: remove the credentials, query or fragment`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

/**
 * Serializes query parameters with RFC 3986 encoding, so that a space goes out as `%20` and never as `+`,
 * which a verifier could decode either way.
 */
export function serializeQuery(query: Record<string, string | undefined>): string {
  return Object.entries(query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`)
    .join('&');
}
