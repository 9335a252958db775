/**
 * Test databases for the store suites, which run the same cases on SQLite and PostgreSQL: a SQLite file
 * in a temporary folder, or a PostgreSQL schema of its own per test file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase, type Store, type StoreDialect } from '../../src/store/index.ts';
import { createTestSchema, skipUnlessPostgres } from './postgres.ts';

export interface TestDatabase {
  /** Opens a store on this database; each call opens new connections, as another replica would. */
  open(options?: { poolMax?: number }): Promise<Store>;
  /** Closes the stores that open returned, then deletes the folder or drops the schema. */
  drop(): Promise<void>;
}

export interface StoreDialectTarget {
  dialect: StoreDialect;
  /** The `skip` option of the dialect's suite: a message when PostgreSQL is not reachable. */
  skip: false | string;
  create(): Promise<TestDatabase>;
}

/** Both dialects. Under `CI=true` this throws when PostgreSQL is not reachable. */
export async function storeDialects(prefix: string): Promise<StoreDialectTarget[]> {
  return [
    { dialect: 'sqlite', skip: false, create: () => createSqliteDatabase(prefix) },
    { dialect: 'postgres', skip: await skipUnlessPostgres(), create: () => createPostgresDatabase(prefix) },
  ];
}

/**
 * Defines a dialect's suite, or one skipped test in its place when the dialect is not available: Node 20
 * leaves skipped suites out of the `# skipped` count of its summary, while a skipped test is counted.
 */
export function describeDialect(title: string, target: StoreDialectTarget, body: () => void): void {
  if (target.skip) {
    it(title, { skip: target.skip }, () => {});
    return;
  }
  describe(title, body);
}

async function createSqliteDatabase(prefix: string): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return trackStores(
    (options) => openDatabase({ dataDir, ...options }),
    () => rm(dataDir, { recursive: true, force: true }),
  );
}

async function createPostgresDatabase(prefix: string): Promise<TestDatabase> {
  const schema = await createTestSchema(prefix);
  const unusedDataDir = join(tmpdir(), 'unused-by-postgres');
  return trackStores(
    (options) => openDatabase({ databaseUrl: schema.url, dataDir: unusedDataDir, ...options }),
    () => schema.drop(),
  );
}

function trackStores(
  openStore: (options?: { poolMax?: number }) => Promise<Store>,
  deleteDatabase: () => Promise<void>,
): TestDatabase {
  const stores: Store[] = [];
  return {
    async open(options) {
      const store = await openStore(options);
      stores.push(store);
      return store;
    },
    async drop() {
      await Promise.all(stores.map((store) => store.close()));
      await deleteDatabase();
    },
  };
}
