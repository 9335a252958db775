/**
 * Measures one SQLite commit in the system's temporary folder, where the benchmark's service keeps its
 * store: single-row UPDATEs through better-sqlite3 in WAL mode, as the store opens SQLite. With
 * `synchronous=FULL`, SQLite's default, each commit syncs the WAL file to disk; `NORMAL` syncs only at
 * checkpoints. better-sqlite3 runs every statement on the calling thread, so in the service this time
 * blocks the event loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type SynchronousMode = 'FULL' | 'NORMAL';

/** Returns the mean time of one commit in microseconds, over `commits` single-row UPDATEs. */
export function measureCommitMicroseconds(synchronous: SynchronousMode, commits: number): number {
  const folder = mkdtempSync(join(tmpdir(), 'vpcep-connect-bench-sqlite-'));
  const db = new Database(join(folder, 'commit.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('create table counter (id integer primary key, value integer not null)');
    db.prepare('insert into counter (id, value) values (1, 0)').run();

    const update = db.prepare('update counter set value = value + 1 where id = 1');
    const start = process.hrtime.bigint();
    for (let index = 0; index < commits; index += 1) update.run();
    return Number(process.hrtime.bigint() - start) / commits / 1000;
  } finally {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
