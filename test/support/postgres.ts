/**
 * PostgreSQL for tests: each test file gets a schema of its own on the server named by
 * `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`), because the runner runs
 * files in parallel. Without a reachable server, tests that need one are skipped on a developer's
 * machine and fail under `CI=true`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const HOW_TO_RUN =
  'start PostgreSQL on 127.0.0.1:5432 (trust auth, database test) or set TEST_DATABASE_URL, then run npm test again';

export interface TestSchema {
  /** Connection string whose sessions use the new schema as their search_path. */
  url: string;
  schema: string;
  drop(): Promise<void>;
}

let reachability: Promise<string | undefined> | undefined;

/** Returns undefined when the server accepts a query, otherwise why it could not be reached. */
export function postgresUnavailableReason(): Promise<string | undefined> {
  reachability ??= probe();
  return reachability;
}

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${redactUrl(TEST_DATABASE_URL)} is not reachable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The `skip` option for a PostgreSQL test: false when the server is reachable, a message when it is not.
 * Under `CI=true` an unreachable server throws instead, so a missing database never passes silently.
 */
export async function skipUnlessPostgres(): Promise<false | string> {
  const reason = await postgresUnavailableReason();
  if (!reason) return false;

  if (process.env.CI === 'true') {
    throw new Error(`${reason}; CI requires it`);
  }
  const message = `skipped: ${reason}; to run these tests, ${HOW_TO_RUN}`;
  console.log(`# ${message}`);
  return message;
}

/** Creates a uniquely named schema for one test file. */
export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const schema = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create schema "${schema}"`);
  } finally {
    await admin.end();
  }

  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);

  return {
    url: url.toString(),
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}
