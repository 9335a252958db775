/** Offset paging shared by the listings. */
import { sql } from 'kysely';

/** One page of a listing and the number of rows that match its filters. */
export interface Page<T> {
  count: number;
  items: T[];
}

export interface PageRequest {
  /** Rows to skip, 0 or more. */
  offset: number;
  /** Rows to return, 1 or more. */
  limit: number;
}

export function assertPageRequest({ offset, limit }: PageRequest): void {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`Invalid offset ${offset}: expected an integer of 0 or more`);
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Invalid limit ${limit}: expected an integer of 1 or more`);
  }
}

/**
 * Builds a condition that `column` contains `text`, ignoring case. LIKE's wildcards in `text` match
 * literally. SQLite's lower() folds only ASCII letters, so other letters match case-sensitively there.
 */
export function containsIgnoringCase(column: string, text: string) {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
