/**
 * Paging and sorting for VPCEP list APIs: `limit`, `offset`, `sort_key` (`create_at` or `update_at`) and
 * `sort_dir` (`desc` or `asc`), validated with VPCEP's error codes.
 */
import { vpcepError } from './errors.ts';
import { queryValue, type SimulatorRequest } from './http.ts';

export interface PageQuery {
  limit: number;
  offset: number;
  sortKey: 'create_at' | 'update_at';
  sortDir: 'asc' | 'desc';
}

export interface PageLimits {
  /** Largest accepted `limit`: 1000 for endpoints and connections, 500 for permissions. */
  maxLimit: number;
}

const DEFAULT_LIMIT = 10;

/**
 * Reads the paging and sorting parameters; defaults are limit 10, offset 0, newest first by creation.
 * NOTE: VPCEP documents `limit` from 0, but not what 0 returns; here it returns an empty page.
 */
export function readPageQuery(request: SimulatorRequest, limits: PageLimits): PageQuery {
  const limitText = queryValue(request, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : parseCount(limitText);
  if (limit === undefined || limit > limits.maxLimit) {
    throw vpcepError(
      'EndPoint.0006',
      `limit must be an integer from 0 to ${limits.maxLimit}, got "${limitText}".`,
    );
  }

  const offsetText = queryValue(request, 'offset');
  const offset = offsetText === undefined ? 0 : parseCount(offsetText);
  if (offset === undefined) {
    throw vpcepError('EndPoint.0010', `offset must be a non-negative integer, got "${offsetText}".`);
  }

  const sortKey = queryValue(request, 'sort_key') ?? 'create_at';
  if (sortKey !== 'create_at' && sortKey !== 'update_at') {
    throw vpcepError('EndPoint.0017', `sort_key must be create_at or update_at, got "${sortKey}".`);
  }

  const sortDir = queryValue(request, 'sort_dir') ?? 'desc';
  if (sortDir !== 'asc' && sortDir !== 'desc') {
    throw vpcepError('EndPoint.0018', `sort_dir must be asc or desc, got "${sortDir}".`);
  }

  return { limit, offset, sortKey, sortDir };
}

function parseCount(text: string): number | undefined {
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

interface Timestamped {
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Sorts by the requested time and returns the requested page. Items with equal times keep their insertion
 * order, so paging through a list is stable.
 */
export function sortAndPage<T extends Timestamped>(items: T[], page: PageQuery): T[] {
  const timeOf = (item: T) => (page.sortKey === 'create_at' ? item.createdAt : item.updatedAt).getTime();
  const direction = page.sortDir === 'asc' ? 1 : -1;
  const sorted = [...items].sort((a, b) => (timeOf(a) - timeOf(b)) * direction);
  return sorted.slice(page.offset, page.offset + page.limit);
}
