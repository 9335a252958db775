/**
 * A bounded cache of validated tokens, so that a caller's requests do not each cost an IAM round trip.
 * Entries are keyed by the token's SHA-256, never the token itself, and expire shortly before the
 * token does. Concurrent lookups of the same uncached token share one IAM call.
 */
import { createHash } from 'node:crypto';
import type { TokenInfo } from '../cloud/ports.ts';

/**
 * Receives the result of each lookup: `hit` when a valid entry was cached, `miss` otherwise, including a
 * lookup that joins an IAM call already in flight for the same token.
 */
export type TokenCacheObserver = (result: 'hit' | 'miss') => void;

export interface TokenCacheOptions {
  maxEntries?: number;
  /** How long before the token's own expiry an entry is dropped, in milliseconds. */
  expiryMarginMs?: number;
  now?: () => number;
  onLookup?: TokenCacheObserver;
}

export class TokenCache {
  private readonly entries = new Map<string, { info: TokenInfo; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<TokenInfo>>();
  private readonly maxEntries: number;
  private readonly marginMs: number;
  private readonly now: () => number;
  private readonly onLookup?: TokenCacheObserver;

  constructor(options: TokenCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.marginMs = options.expiryMarginMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.onLookup = options.onLookup;
  }

  /** Returns the cached validation of `token`, or calls `validate` once and caches its result. */
  async get(token: string, validate: (token: string) => Promise<TokenInfo>): Promise<TokenInfo> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > this.now()) {
      // Re-insert so the Map's order stays least-recently-used first.
      this.entries.delete(key);
      this.entries.set(key, cached);
      this.onLookup?.('hit');
      return cached.info;
    }
    this.entries.delete(key);
    this.onLookup?.('miss');

    const pending = this.inFlight.get(key);
    if (pending) return pending;

    const lookup = validate(token).then((info) => {
      this.store(key, info);
      return info;
    });
    this.inFlight.set(key, lookup);
    try {
      return await lookup;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private store(key: string, info: TokenInfo): void {
    const expiresAt = info.expiresAt.getTime() - this.marginMs;
    if (expiresAt <= this.now()) return;

    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { info, expiresAt });
  }
}
