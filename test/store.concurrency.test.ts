import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import {
  ConnectionExistsError,
  ensureDefaultWorkspace,
  findLiveConnectionByService,
  type NewConnection,
  reserveConnection,
  type Store,
} from '../src/store/index.ts';
import {
  describeDialect,
  type StoreDialectTarget,
  storeDialects,
  type TestDatabase,
} from './support/store.ts';

const NOW = 1714962072863;
const CALLERS = 20;

function newConnection(workspaceId: string, vpcEpServerId: string): NewConnection {
  return {
    projectId: 'project-1',
    domainId: 'domain-1',
    workspaceId,
    dsType: 'MySQL',
    vpcEpServerId,
    vpcEpServerName: 'cn-north-4.mysql-lb.31cf',
    scene: 'dii-app_to_data-source',
    createDate: NOW,
    createUser: 'user-1',
    createUserName: 'alice',
  };
}

function uniqueId(): string {
  return randomBytes(8).toString('hex');
}

/** Sorts settled reserve calls into the ones that succeeded and the ConnectionExistsErrors. */
function tally(results: PromiseSettledResult<unknown>[]): {
  succeeded: number;
  exists: number;
  other: unknown[];
} {
  const other = results
    .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    .map((result) => result.reason)
    .filter((reason) => !(reason instanceof ConnectionExistsError));
  const succeeded = results.filter((result) => result.status === 'fulfilled').length;
  return { succeeded, exists: results.length - succeeded - other.length, other };
}

function defineConcurrencySuite(target: StoreDialectTarget): void {
  describeDialect(`store concurrency on ${target.dialect}`, target, () => {
    let database: TestDatabase;
    let replicas: Store[];

    before(async () => {
      database = await target.create();
      // Two stores on one database act as two replicas. On PostgreSQL each store's pool gives every
      // concurrent call a connection of its own.
      replicas = [await database.open({ poolMax: CALLERS }), await database.open({ poolMax: CALLERS })];
    });
    after(() => database?.drop());

    it('one of 20 reservations wins', async () => {
      const workspaceId = uniqueId();
      const serviceId = uniqueId();

      const results = await Promise.allSettled(
        Array.from({ length: CALLERS }, (_, index) =>
          reserveConnection(replicas[index % replicas.length].db, newConnection(workspaceId, serviceId)),
        ),
      );

      const { succeeded, exists, other } = tally(results);
      assert.deepEqual(other, []);
      assert.equal(succeeded, 1);
      assert.equal(exists, CALLERS - 1);
    });

    it('one of 20 transactional reservations wins', async () => {
      const workspaceId = uniqueId();
      const serviceId = uniqueId();
      // better-sqlite3 waits for a lock synchronously, so a second SQLite connection in this process would
      // block the event loop that must finish the first connection's transaction. One process uses one
      // SQLite store, whose single connection runs transactions one after another.
      const stores = target.dialect === 'sqlite' ? replicas.slice(0, 1) : replicas;

      const results = await Promise.allSettled(
        Array.from({ length: CALLERS }, (_, index) =>
          stores[index % stores.length].db
            .transaction()
            .execute((trx) => reserveConnection(trx, newConnection(workspaceId, serviceId))),
        ),
      );

      const { succeeded, exists, other } = tally(results);
      assert.deepEqual(other, []);
      assert.equal(succeeded, 1);
      assert.equal(exists, CALLERS - 1);
    });

    it('rolled back reservation frees pair', async () => {
      const workspaceId = uniqueId();
      const serviceId = uniqueId();
      const [store] = replicas;
      let rollBack: () => void = () => {};
      const rollBackRequested = new Promise<void>((resolve) => {
        rollBack = resolve;
      });
      let reserved: () => void = () => {};
      const reservedInTransaction = new Promise<void>((resolve) => {
        reserved = resolve;
      });

      // The first caller reserves inside a transaction that it then rolls back.
      const first = store.db
        .transaction()
        .execute(async (trx) => {
          await reserveConnection(trx, newConnection(workspaceId, serviceId));
          reserved();
          await rollBackRequested;
          throw new Error('roll back');
        })
        .catch((error: Error) => error.message);
      await reservedInTransaction;

      // On PostgreSQL the second insert waits for the first transaction, and SQLite's single connection
      // runs it after the first transaction ends. Either way it must win once the first rolls back.
      const second = reserveConnection(store.db, newConnection(workspaceId, serviceId));
      rollBack();

      assert.equal(await first, 'roll back');
      const connection = await second;
      assert.equal(connection.phase, 'reserved');
      const live = await findLiveConnectionByService(store.db, workspaceId, serviceId);
      assert.equal(live?.id, connection.id);
    });

    it('default workspace across replicas', async () => {
      const projectId = uniqueId();

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          ensureDefaultWorkspace(replicas[index % replicas.length].db, {
            projectId,
            domainId: 'domain-1',
            user: 'user-1',
            now: NOW,
          }),
        ),
      );

      assert.equal(new Set(results.map((result) => result.id)).size, 1);
    });
  });
}

for (const target of await storeDialects('store_concurrency')) {
  defineConcurrencySuite(target);
}
