/** Brings a database to the latest schema with Kysely's `Migrator`; the same migrations serve both dialects. */
import { type Kysely, type MigrationResult, Migrator, PostgresAdapter, sql } from 'kysely';
import type { StoreLogger } from './logger.ts';
import { migrations } from './migrations/index.ts';

/**
 * Runs every migration that has not run yet and returns the names of those it applied. Kysely holds a
 * lock table while it works, so processes that start at the same time apply each migration once.
 * Throws an Error that names the failing migration, with the driver's error as its `cause`.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, logger?: StoreLogger): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: await currentPostgresSchema(db),
  });
  const { error, results = [] } = await migrator.migrateToLatest();

  const applied = results
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
  for (const name of applied) {
    logger?.info({ migration: name }, 'applied database migration');
  }

  if (error !== undefined) {
    throw migrationError(error, results);
  }
  return applied;
}

/**
 * Returns the PostgreSQL schema that unqualified names resolve to, or undefined on SQLite. Kysely looks
 * for its bookkeeping tables across every schema unless given one, so without this a database with
 * a second vpcep-connect schema would find that schema's tables and skip creating its own.
 */
async function currentPostgresSchema<DB>(db: Kysely<DB>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;

  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema;
}

function migrationError(error: unknown, results: MigrationResult[]): Error {
  const reason = error instanceof Error ? error.message : String(error);
  const failed = results.find((result) => result.status === 'Error');
  if (failed) {
    return new Error(`Database migration ${failed.migrationName} failed: ${reason}`, { cause: error });
  }
  // Kysely reports no failing migration when the error came before any migration ran, for example
  // while it created its own bookkeeping tables or found an applied migration this build does not know.
  return new Error(`Database migrations failed before any migration ran: ${reason}`, { cause: error });
}
