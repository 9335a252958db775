import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import {
  activateConnection,
  type Connection,
  ConnectionExistsError,
  type DatabaseHandle,
  findConnection,
  findConnectionByEndpointId,
  findLiveConnectionByService,
  listConnections,
  markConnectionDeleted,
  type NewConnection,
  releaseReservation,
  reserveConnection,
  type Store,
  UniqueViolationError,
  updateConnectionStatus,
} from '../src/store/index.ts';
import {
  describeDialect,
  type StoreDialectTarget,
  storeDialects,
  type TestDatabase,
} from './support/store.ts';

const NOW = 1714962072863;

function uniqueId(): string {
  return randomBytes(8).toString('hex');
}

function newConnection(overrides: Partial<NewConnection> = {}): NewConnection {
  return {
    projectId: 'project-1',
    domainId: 'domain-1',
    workspaceId: uniqueId(),
    dsType: 'MySQL',
    vpcEpServerId: uniqueId(),
    vpcEpServerName: 'cn-north-4.mysql-lb.31cf',
    scene: 'dii-app_to_data-source',
    createDate: NOW,
    createUser: 'user-1',
    createUserName: 'alice',
    ...overrides,
  };
}

/** Reserves and activates a connection, as a successful create does. */
async function createActive(
  db: DatabaseHandle,
  overrides: Partial<NewConnection> = {},
  status = 'accepted',
): Promise<Connection> {
  const reserved = await reserveConnection(db, newConnection(overrides));
  const active = await activateConnection(db, reserved.id, {
    vpcEpClientId: `ep-${reserved.id}`,
    vpcEpClientStatus: status,
    now: reserved.createDate,
  });
  assert.ok(active);
  return active;
}

function defineConnectionSuite(target: StoreDialectTarget): void {
  describeDialect(`connections on ${target.dialect}`, target, () => {
    let database: TestDatabase;
    let store: Store;

    before(async () => {
      database = await target.create();
      store = await database.open();
    });
    after(() => database?.drop());

    it('reserve returns reserved row', async () => {
      const input = newConnection({ id: uniqueId() });
      const reserved = await reserveConnection(store.db, input);

      assert.equal(reserved.id, input.id);
      assert.equal(reserved.phase, 'reserved');
      assert.equal(reserved.vpcEpClientId, null);
      assert.equal(reserved.vpcEpClientStatus, null);
      assert.equal(reserved.workspaceId, input.workspaceId);
      assert.equal(reserved.vpcEpServerName, input.vpcEpServerName);
      assert.equal(reserved.updateUser, 'user-1');
      assert.equal(reserved.updateUserName, 'alice');
      assert.equal(reserved.statusCheckedAt, null);
      assert.equal(reserved.deletedAt, null);
    });

    it('reserve generates id', async () => {
      const reserved = await reserveConnection(store.db, newConnection());
      assert.match(reserved.id, /^[0-9a-f]{32}$/);
    });

    it('timestamps are exact numbers', async () => {
      const reserved = await reserveConnection(store.db, newConnection({ updateDate: NOW + 1 }));
      const found = await findLiveConnectionByService(store.db, reserved.workspaceId, reserved.vpcEpServerId);
      assert.ok(found);

      assert.equal(typeof found.createDate, 'number');
      assert.equal(found.createDate, 1714962072863);
      assert.equal(typeof found.updateDate, 'number');
      assert.equal(found.updateDate, 1714962072864);
    });

    it('reserve twice throws exists', async () => {
      const input = newConnection();
      await reserveConnection(store.db, input);

      const error = await reserveConnection(store.db, { ...input, id: uniqueId() }).catch((caught) => caught);
      assert.ok(error instanceof ConnectionExistsError);
      assert.equal(error.workspaceId, input.workspaceId);
      assert.equal(error.vpcEpServerId, input.vpcEpServerId);
    });

    it('reserve twice keeps transaction usable', async () => {
      const input = newConnection();
      await reserveConnection(store.db, input);

      const found = await store.db.transaction().execute(async (trx) => {
        await assert.rejects(reserveConnection(trx, newConnection(input)), ConnectionExistsError);
        return findLiveConnectionByService(trx, input.workspaceId, input.vpcEpServerId);
      });
      assert.equal(found?.workspaceId, input.workspaceId);
    });

    it('reserve allows other workspace', async () => {
      const first = await reserveConnection(store.db, newConnection());
      const second = await reserveConnection(
        store.db,
        newConnection({ vpcEpServerId: first.vpcEpServerId, workspaceId: uniqueId() }),
      );
      assert.equal(second.vpcEpServerId, first.vpcEpServerId);
    });

    it('reserve rejects duplicate id', async () => {
      const first = await reserveConnection(store.db, newConnection());

      const error = await reserveConnection(store.db, newConnection({ id: first.id })).catch(
        (caught) => caught,
      );
      assert.ok(error instanceof UniqueViolationError);
      assert.deepEqual(error.columns, ['id']);
    });

    it('reserve again after delete', async () => {
      const input = newConnection();
      const first = await createActive(store.db, input);
      await markConnectionDeleted(store.db, first.id, NOW + 10);

      const second = await reserveConnection(store.db, { ...input, id: uniqueId() });
      assert.notEqual(second.id, first.id);
      assert.equal(second.phase, 'reserved');
    });

    it('mark deleted sets fields', async () => {
      const active = await createActive(store.db);
      const deleted = await markConnectionDeleted(store.db, active.id, NOW + 10);

      assert.equal(deleted?.phase, 'deleted');
      assert.equal(deleted?.deletedAt, NOW + 10);
      assert.equal(deleted?.updateDate, NOW + 10);
      assert.equal(deleted?.vpcEpClientStatus, 'deleted');
      assert.equal(deleted?.vpcEpClientId, active.vpcEpClientId);
    });

    it('mark deleted twice returns undefined', async () => {
      const active = await createActive(store.db);
      await markConnectionDeleted(store.db, active.id, NOW + 10);

      assert.equal(await markConnectionDeleted(store.db, active.id, NOW + 20), undefined);
    });

    it('release deletes reserved row', async () => {
      const reserved = await reserveConnection(store.db, newConnection());

      assert.equal(await releaseReservation(store.db, reserved.id), true);
      assert.equal(
        await findLiveConnectionByService(store.db, reserved.workspaceId, reserved.vpcEpServerId),
        undefined,
      );
    });

    it('release keeps active row', async () => {
      const active = await createActive(store.db);

      assert.equal(await releaseReservation(store.db, active.id), false);
      const found = await findLiveConnectionByService(store.db, active.workspaceId, active.vpcEpServerId);
      assert.equal(found?.id, active.id);
    });

    it('release keeps deleted row', async () => {
      const active = await createActive(store.db);
      await markConnectionDeleted(store.db, active.id, NOW + 1);

      assert.equal(await releaseReservation(store.db, active.id), false);
    });

    it('activate records endpoint', async () => {
      const reserved = await reserveConnection(store.db, newConnection());
      const active = await activateConnection(store.db, reserved.id, {
        vpcEpClientId: 'ep-1',
        vpcEpClientStatus: 'pendingAcceptance',
        now: NOW + 5,
      });

      assert.equal(active?.phase, 'active');
      assert.equal(active?.vpcEpClientId, 'ep-1');
      assert.equal(active?.vpcEpClientStatus, 'pendingAcceptance');
      assert.equal(active?.updateDate, NOW + 5);
      assert.equal(active?.statusCheckedAt, NOW + 5);
      assert.equal(active?.createDate, NOW);
    });

    it('activate skips non-reserved row', async () => {
      const active = await createActive(store.db);
      const change = { vpcEpClientId: 'ep-other', vpcEpClientStatus: 'accepted', now: NOW + 5 };

      assert.equal(await activateConnection(store.db, active.id, change), undefined);
      assert.equal(await activateConnection(store.db, 'missing', change), undefined);
    });

    it('status unchanged keeps update date', async () => {
      const active = await createActive(store.db, {}, 'pendingAcceptance');
      const updated = await updateConnectionStatus(store.db, active.id, {
        vpcEpClientStatus: 'pendingAcceptance',
        now: NOW + 100,
      });

      assert.equal(updated?.statusCheckedAt, NOW + 100);
      assert.equal(updated?.updateDate, NOW);
      assert.equal(updated?.updateUser, 'user-1');
    });

    it('status change moves update date', async () => {
      const active = await createActive(store.db, {}, 'pendingAcceptance');
      const updated = await updateConnectionStatus(store.db, active.id, {
        vpcEpClientStatus: 'accepted',
        now: NOW + 100,
      });

      assert.equal(updated?.vpcEpClientStatus, 'accepted');
      assert.equal(updated?.statusCheckedAt, NOW + 100);
      assert.equal(updated?.updateDate, NOW + 100);
      assert.equal(updated?.updateUser, 'user-1');
    });

    it('status update records user', async () => {
      const active = await createActive(store.db);
      const updated = await updateConnectionStatus(store.db, active.id, {
        vpcEpClientStatus: 'accepted',
        now: NOW + 100,
        updateUser: 'user-2',
        updateUserName: 'bob',
      });

      assert.equal(updated?.updateDate, NOW + 100);
      assert.equal(updated?.updateUser, 'user-2');
      assert.equal(updated?.updateUserName, 'bob');
      assert.equal(updated?.createUser, 'user-1');
    });

    it('status update skips reserved and deleted', async () => {
      const reserved = await reserveConnection(store.db, newConnection());
      const deleted = await createActive(store.db);
      await markConnectionDeleted(store.db, deleted.id, NOW + 1);
      const change = { vpcEpClientStatus: 'accepted', now: NOW + 100 };

      assert.equal(await updateConnectionStatus(store.db, reserved.id, change), undefined);
      assert.equal(await updateConnectionStatus(store.db, deleted.id, change), undefined);
    });

    it('find scoped by project and workspace', async () => {
      const active = await createActive(store.db);
      const key = { projectId: active.projectId, workspaceId: active.workspaceId, id: active.id };

      assert.deepEqual(await findConnection(store.db, key), active);
      assert.equal(await findConnection(store.db, { ...key, projectId: 'project-2' }), undefined);
      assert.equal(await findConnection(store.db, { ...key, workspaceId: uniqueId() }), undefined);
    });

    it('find skips deleted', async () => {
      const active = await createActive(store.db);
      await markConnectionDeleted(store.db, active.id, NOW + 1);

      const key = { projectId: active.projectId, workspaceId: active.workspaceId, id: active.id };
      assert.equal(await findConnection(store.db, key), undefined);
    });

    it('find by endpoint id', async () => {
      const active = await createActive(store.db);

      assert.equal((await findConnectionByEndpointId(store.db, `ep-${active.id}`))?.id, active.id);
      assert.equal(await findConnectionByEndpointId(store.db, 'ep-missing'), undefined);
    });

    it('list newest first', async () => {
      const workspaceId = uniqueId();
      const older = await createActive(store.db, { workspaceId, createDate: NOW });
      const newer = await createActive(store.db, { workspaceId, createDate: NOW + 1000 });
      const tieA = await createActive(store.db, {
        workspaceId,
        createDate: NOW + 500,
        id: `${uniqueId()}-a`,
      });
      const tieB = await createActive(store.db, { workspaceId, createDate: NOW + 500, id: `${tieA.id}-b` });

      const listed = await listConnections(store.db, {
        projectId: 'project-1',
        workspaceId,
        offset: 0,
        limit: 10,
      });
      assert.deepEqual(
        listed.items.map((item) => item.id),
        [newer.id, tieB.id, tieA.id, older.id],
      );
    });

    it('list excludes reserved and deleted', async () => {
      const workspaceId = uniqueId();
      const active = await createActive(store.db, { workspaceId });
      await reserveConnection(store.db, newConnection({ workspaceId }));
      const deleted = await createActive(store.db, { workspaceId });
      await markConnectionDeleted(store.db, deleted.id, NOW + 1);

      const listed = await listConnections(store.db, {
        projectId: 'project-1',
        workspaceId,
        offset: 0,
        limit: 10,
      });
      assert.equal(listed.count, 1);
      assert.deepEqual(
        listed.items.map((item) => item.id),
        [active.id],
      );
    });

    it('list scoped by project and workspace', async () => {
      const workspaceId = uniqueId();
      await createActive(store.db, { workspaceId });
      await createActive(store.db, { workspaceId: uniqueId() });

      const other = await listConnections(store.db, {
        projectId: 'project-2',
        workspaceId,
        offset: 0,
        limit: 10,
      });
      assert.equal(other.count, 0);
      const own = await listConnections(store.db, {
        projectId: 'project-1',
        workspaceId,
        offset: 0,
        limit: 10,
      });
      assert.equal(own.count, 1);
    });

    it('list filters', async () => {
      const workspaceId = uniqueId();
      const mysql = await createActive(store.db, { workspaceId, dsType: 'MySQL', vpcEpServerName: 'svc-a' });
      const dws = await createActive(store.db, { workspaceId, dsType: 'DWS', vpcEpServerName: 'svc-b' });
      const pending = await createActive(
        store.db,
        { workspaceId, dsType: 'MySQL', vpcEpServerName: 'svc-c' },
        'pendingAcceptance',
      );
      const base = { projectId: 'project-1', workspaceId, offset: 0, limit: 10 };

      const byType = await listConnections(store.db, { ...base, dsType: 'MySQL' });
      assert.deepEqual(byType.items.map((item) => item.id).sort(), [mysql.id, pending.id].sort());
      const byStatus = await listConnections(store.db, { ...base, vpcEpClientStatus: 'pendingAcceptance' });
      assert.deepEqual(
        byStatus.items.map((item) => item.id),
        [pending.id],
      );
      const byName = await listConnections(store.db, { ...base, vpcEpServerName: 'svc-b' });
      assert.deepEqual(
        byName.items.map((item) => item.id),
        [dws.id],
      );
      const combined = await listConnections(store.db, {
        ...base,
        dsType: 'DWS',
        vpcEpClientStatus: 'pendingAcceptance',
      });
      assert.equal(combined.count, 0);
    });

    it('list pages with count', async () => {
      const workspaceId = uniqueId();
      const created: Connection[] = [];
      for (let index = 0; index < 5; index++) {
        created.push(await createActive(store.db, { workspaceId, createDate: NOW + index }));
      }

      const page = await listConnections(store.db, {
        projectId: 'project-1',
        workspaceId,
        offset: 1,
        limit: 2,
      });
      assert.equal(typeof page.count, 'number');
      assert.equal(page.count, 5);
      assert.deepEqual(
        page.items.map((item) => item.id),
        [created[3].id, created[2].id],
      );
      assert.equal(page.items[0].createDate, NOW + 3);
    });

    it('list rejects invalid page', async () => {
      const request = { projectId: 'p', workspaceId: 'w', offset: 0, limit: 1.5 };
      await assert.rejects(listConnections(store.db, request), RangeError);
    });
  });
}

for (const target of await storeDialects('store_connections')) {
  defineConnectionSuite(target);
}
