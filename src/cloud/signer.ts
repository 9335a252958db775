/**
 * Huawei Cloud AK/SK request signing, algorithm `SDK-HMAC-SHA256`.
 *
 * The product signs every IAM and VPCEP call with it, and the simulator verifies what arrives with the
 * same canonical-request code, so the two cannot drift apart. The rules follow Huawei's own Node.js signer
 * (`AKSKSigner` in `@huaweicloud/huaweicloud-sdk-core` 3.1.211):
 *
 * - the canonical URI is the path as it appears in the URL, each segment percent-encoded again and a
 *   trailing `/` appended (so `/v1/a%20b` is signed as `/v1/a%2520b/`);
 * - query keys are sorted and both keys and values are RFC 3986 encoded from their decoded form;
 * - every header present at signing time is signed, plus `host`;
 * - the payload hash is the hex SHA-256 of the exact body bytes, unless `X-Sdk-Content-Sha256` is set;
 * - the signature is hex HMAC-SHA256 keyed with the secret key over
 *   `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** Requests whose `X-Sdk-Date` is further than this from the verifier's clock are rejected, as API Gateway does. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RequestToSign {
  method: string;
  /** Full URL, path already percent-encoded the way it is sent, query included. */
  url: URL;
  /** Headers present at signing time; all of them are signed. `host` is derived from `url` when absent. */
  headers: Record<string, string>;
  /** The exact body bytes that will be sent, or undefined for no body. */
  body?: string | Buffer;
}

export interface CanonicalParts {
  method: string;
  /** Path as sent on the wire (still percent-encoded), without query. */
  rawPath: string;
  /** Decoded query pairs; repeated keys appear once per value. */
  query: Array<[string, string]>;
  /** Header names (lower case) and values, for exactly the headers to sign. */
  headers: Array<[string, string]>;
  payloadHash: string;
}

/** RFC 3986 encoding: only `A-Z a-z 0-9 - _ . ~` stay as they are. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalUri(rawPath: string): string {
  const encoded = rawPath.split('/').map(encodeRfc3986).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

export function canonicalQueryString(query: Array<[string, string]>): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of query) {
    const values = byKey.get(key) ?? [];
    values.push(value);
    byKey.set(key, values);
  }

  const keys = [...byKey.keys()].sort(compareCodeUnits);
  const pairs: string[] = [];
  for (const key of keys) {
    const values = (byKey.get(key) ?? []).sort(compareCodeUnits);
    for (const value of values) {
      pairs.push(`${encodeRfc3986(key)}=${encodeRfc3986(value)}`);
    }
  }
  return pairs.join('&');
}

/**
 * Builds the canonical request. Header names are sorted by UTF-16 code units for both the header block
 * and `SignedHeaders`. Huawei's Node signer sorts the block with `localeCompare`, which differs only for
 * names that differ by `-` against `_` at the same position. No header this project signs does.
 */
export function canonicalRequest(parts: CanonicalParts): string {
  const headers = [...parts.headers]
    .map(([name, value]): [string, string] => [name.toLowerCase(), value])
    .sort(([a], [b]) => compareCodeUnits(a, b));
  const headerBlock = headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const signedHeaders = headers.map(([name]) => name).join(';');

  return [
    parts.method.toUpperCase(),
    canonicalUri(parts.rawPath),
    canonicalQueryString(parts.query),
    headerBlock,
    signedHeaders,
    parts.payloadHash,
  ].join('\n');
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

export function computeSignature(secretAccessKey: string, sdkDate: string, canonical: string): string {
  return createHmac('sha256', secretAccessKey).update(stringToSign(sdkDate, canonical)).digest('hex');
}

/** Formats a time as `X-Sdk-Date` expects: `YYYYMMDDTHHmmssZ` in UTC. */
export function formatSdkDate(time: Date): string {
  return time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses `YYYYMMDDTHHmmssZ`; returns undefined for anything else. */
export function parseSdkDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;

  const [, year, month, day, hour, minute, second] = match.map(Number);
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/**
 * Signs a request and returns the headers to send: the input headers, `host`, `X-Sdk-Date` (kept when
 * the caller set it) and `Authorization`. Headers added after this call are not signed.
 */
export function signRequest(
  request: RequestToSign,
  key: AccessKey,
  now: Date = new Date(),
): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers };
  const lower = new Map(Object.keys(headers).map((name) => [name.toLowerCase(), name]));

  if (!lower.has('host')) headers.host = request.url.host;
  if (!lower.has('x-sdk-date')) headers['X-Sdk-Date'] = formatSdkDate(now);
  const sdkDate = headers[lower.get('x-sdk-date') ?? 'X-Sdk-Date'];

  const explicitHash = lower.has('x-sdk-content-sha256')
    ? headers[lower.get('x-sdk-content-sha256') as string]
    : undefined;
  const payloadHash =
    explicitHash ?? (request.body === undefined ? EMPTY_BODY_SHA256 : sha256Hex(request.body));

  const canonical = canonicalRequest({
    method: request.method,
    rawPath: request.url.pathname,
    query: [...request.url.searchParams.entries()],
    headers: Object.entries(headers),
    payloadHash,
  });
  const signedHeaders = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort(compareCodeUnits)
    .join(';');
  const signature = computeSignature(key.secretAccessKey, sdkDate, canonical);

  headers.Authorization = `${SIGNING_ALGORITHM} Access=${key.accessKeyId}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`; undefined when malformed. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/.exec(
      header.trim(),
    );
  if (!match) return undefined;

  return {
    accessKeyId: match[1],
    signedHeaders: match[2].toLowerCase().split(';'),
    signature: match[3].toLowerCase(),
  };
}

export interface IncomingRequest {
  method: string;
  /** Request target as received: path plus optional `?query`, not decoded. */
  rawUrl: string;
  /** Node's lower-cased incoming headers. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type VerificationResult = { ok: true; accessKeyId: string } | { ok: false; reason: string };

/**
 * Verifies an incoming signed request. `secretFor` returns the secret key of an access key id, or
 * undefined when the id is unknown. The reasons name what failed but never echo a secret or signature.
 */
export function verifyRequest(
  request: IncomingRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date = new Date(),
): VerificationResult {
  const authorization = headerValue(request.headers, 'authorization');
  if (!authorization) return { ok: false, reason: 'the Authorization header is missing' };

  const parsed = parseAuthorization(authorization);
  if (!parsed) return { ok: false, reason: `the Authorization header is not ${SIGNING_ALGORITHM}` };

  const secret = secretFor(parsed.accessKeyId);
  if (secret === undefined) return { ok: false, reason: 'the access key id is unknown' };

  const sdkDate = headerValue(request.headers, 'x-sdk-date');
  const signedAt = sdkDate === undefined ? undefined : parseSdkDate(sdkDate);
  if (!sdkDate || !signedAt) return { ok: false, reason: 'the X-Sdk-Date header is missing or malformed' };
  if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, reason: 'the X-Sdk-Date header is more than 15 minutes from the server time' };
  }
  if (!parsed.signedHeaders.includes('x-sdk-date') || !parsed.signedHeaders.includes('host')) {
    return { ok: false, reason: 'SignedHeaders must include host and x-sdk-date' };
  }

  const headers: Array<[string, string]> = [];
  for (const name of parsed.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined) return { ok: false, reason: `the signed header ${name} is missing` };
    headers.push([name, value]);
  }

  const queryStart = request.rawUrl.indexOf('?');
  const rawPath = queryStart === -1 ? request.rawUrl : request.rawUrl.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : request.rawUrl.slice(queryStart + 1);
  const explicitHash = headerValue(request.headers, 'x-sdk-content-sha256');

  const canonical = canonicalRequest({
    method: request.method,
    rawPath,
    query: [...new URLSearchParams(rawQuery).entries()],
    headers,
    payloadHash: explicitHash ?? sha256Hex(request.body),
  });
  const expected = Buffer.from(computeSignature(secret, sdkDate, canonical), 'hex');
  const received = Buffer.from(parsed.signature, 'hex');

  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    return { ok: false, reason: 'the signature does not match the request' };
  }
  return { ok: true, accessKeyId: parsed.accessKeyId };
}

function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
