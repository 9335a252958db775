/**
 * Opens the store: SQLite through better-sqlite3 in the data folder by default, or PostgreSQL through a
 * pg pool when given a `postgres://` or `postgresql://` URL. Either way the schema is migrated to the
 * latest version before the store is returned.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { StoreLogger } from './logger.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

export const SQLITE_FILE_NAME = 'vpcep-connect.sqlite';
export const DEFAULT_POOL_MAX = 10;

/** How long a SQLite writer waits for another process's write lock before failing, in milliseconds. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

export type StoreDialect = 'sqlite' | 'postgres';

export interface OpenDatabaseOptions {
  /** A `postgres://` or `postgresql://` URL. When absent or empty, the store is a SQLite file in `dataDir`. */
  databaseUrl?: string;
  /** Folder of the SQLite file, created when missing. Unused with PostgreSQL. */
  dataDir: string;
  /** Maximum number of clients in the PostgreSQL pool (default 10). Unused with SQLite. */
  poolMax?: number;
  /** PostgreSQL cancels a statement that runs longer than this, in milliseconds; 0 or absent: no limit. */
  statementTimeoutMs?: number;
  /** False skips the migrations, for processes that must not change the schema. Default true. */
  migrate?: boolean;
  /** Receives applied migrations and errors of idle PostgreSQL clients, which are dropped without it. */
  logger?: StoreLogger;
}

export interface Store {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** Closes the SQLite file or ends the PostgreSQL pool. */
  close(): Promise<void>;
}

/**
 * Opens the database that `options` name and migrates it to the latest schema. Throws when the URL's
 * scheme is not supported, when the database cannot be reached, or when a migration fails.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Store> {
  const databaseUrl = options.databaseUrl?.trim();
  const store = databaseUrl ? await openPostgres(databaseUrl, options) : openSqlite(options.dataDir);

  if (options.migrate === false) return store;
  try {
    await migrateToLatest(store.db, options.logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function openSqlite(dataDir: string): Store {
  const file = join(dataDir, SQLITE_FILE_NAME);
  let sqlite: SQLite.Database;
  try {
    mkdirSync(dataDir, { recursive: true });
    sqlite = new SQLite(file);
  } catch (error) {
    throw new Error(`Failed to open the SQLite database ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  // WAL lets readers run beside the one writer, and busy_timeout makes a second process wait for the
  // write lock instead of failing at once. SQLite checks foreign keys only when a connection enables it.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function openPostgres(databaseUrl: string, options: OpenDatabaseOptions): Promise<Store> {
  assertPostgresUrl(databaseUrl);
  const poolMax = options.poolMax ?? DEFAULT_POOL_MAX;
  if (!Number.isInteger(poolMax) || poolMax < 1) {
    throw new RangeError(`Invalid PostgreSQL pool size ${poolMax}: expected a positive integer`);
  }

  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolMax,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  // pg emits 'error' when an idle client loses its connection (a server restart, for example). Without a
  // listener the process would crash. The pool drops that client and opens a new one when needed.
  pool.on('error', (error) => {
    options.logger?.error({ err: error }, 'idle PostgreSQL client failed and was removed from the pool');
  });

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    const target = describePostgresTarget(databaseUrl);
    throw new Error(`Failed to connect to PostgreSQL at ${target}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** Rejects any URL but postgres:// and postgresql://, naming only its scheme because the rest may hold a password. */
function assertPostgresUrl(databaseUrl: string): void {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return;

  const found = scheme ? `scheme "${scheme}:"` : 'no scheme';
  throw new Error(
    `Unsupported database URL: it has ${found}. Use postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE ` +
      '(or postgresql://...), or leave the database URL unset to use SQLite in the data folder.',
  );
}

/** Host, port and database of a PostgreSQL URL, without user or password, for error messages. */
function describePostgresTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    // A Unix socket folder arrives as the `host` query parameter, with an empty host part.
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    return `${host}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}
