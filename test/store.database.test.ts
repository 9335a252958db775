import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase, SQLITE_FILE_NAME, type Store } from '../src/store/index.ts';

describe('openDatabase', () => {
  let tempDir: string;

  before(async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'store-database-'));
  });
  after(() => rm(tempDir, { recursive: true, force: true }));

  it('rejects unsupported scheme', async () => {
    const error = await openDatabase({
      databaseUrl: 'mysql://admin:s3cret@db.example:3306/app',
      dataDir: tempDir,
    }).catch((caught: Error) => caught);

    assert.ok(error instanceof Error);
    assert.match(error.message, /scheme "mysql:"/);
    assert.match(error.message, /postgres:\/\//);
    assert.match(error.message, /postgresql:\/\//);
    assert.doesNotMatch(error.message, /s3cret/);
    assert.doesNotMatch(error.message, /admin/);
  });

  it('rejects url without scheme', async () => {
    const error = await openDatabase({ databaseUrl: 'admin@db.example/app', dataDir: tempDir }).catch(
      (caught: Error) => caught,
    );

    assert.ok(error instanceof Error);
    assert.match(error.message, /has no scheme/);
  });

  it('rejects invalid pool size', async () => {
    await assert.rejects(
      openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/test', dataDir: tempDir, poolMax: 0 }),
      RangeError,
    );
  });

  it('unreachable postgres hides password', async () => {
    // Port 1 on loopback refuses connections at once.
    const error = await openDatabase({
      databaseUrl: 'postgresql://postgres:s3cret@127.0.0.1:1/test',
      dataDir: tempDir,
    }).catch((caught: Error) => caught);

    assert.ok(error instanceof Error);
    assert.match(error.message, /Failed to connect to PostgreSQL at 127\.0\.0\.1:1\/test/);
    assert.doesNotMatch(error.message, /s3cret/);
  });

  it('sqlite creates data folder', async () => {
    const dataDir = join(tempDir, 'nested', 'data');
    const store = await openDatabase({ dataDir });
    try {
      assert.equal(store.dialect, 'sqlite');
      assert.ok(existsSync(join(dataDir, SQLITE_FILE_NAME)));
    } finally {
      await store.close();
    }
  });

  it('sqlite empty url means sqlite', async () => {
    const store = await openDatabase({ databaseUrl: '', dataDir: join(tempDir, 'empty-url') });
    try {
      assert.equal(store.dialect, 'sqlite');
    } finally {
      await store.close();
    }
  });

  it('sqlite pragmas', async () => {
    const store: Store = await openDatabase({ dataDir: join(tempDir, 'pragmas') });
    try {
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      assert.equal(journal.rows[0].journal_mode, 'wal');
      const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(store.db);
      assert.equal(busy.rows[0].timeout, 5000);
      const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
      assert.equal(foreignKeys.rows[0].foreign_keys, 1);
    } finally {
      await store.close();
    }
  });

  it('failed migration named', async () => {
    // A table that the first migration creates already exists, so that migration fails.
    const dataDir = join(tempDir, 'conflict');
    await openDatabase({ dataDir }).then((store) => store.close());
    const sqlite = new SQLite(join(dataDir, SQLITE_FILE_NAME));
    sqlite.exec('delete from kysely_migration; drop table connections;');
    sqlite.close();

    const error = await openDatabase({ dataDir }).catch((caught: Error) => caught);
    assert.ok(error instanceof Error);
    assert.match(error.message, /Database migration 0001_initial failed: .*workspaces/);
  });
});
