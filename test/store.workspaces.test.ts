import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import {
  ensureDefaultWorkspace,
  findWorkspace,
  insertWorkspace,
  listWorkspaces,
  migrateToLatest,
  type Store,
  UniqueViolationError,
  type Workspace,
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

function workspace(projectId: string, name: string, overrides: Partial<Workspace> = {}): Workspace {
  return {
    id: uniqueId(),
    projectId,
    domainId: 'domain-1',
    name,
    description: '',
    isDefault: false,
    createTime: NOW,
    createUser: 'user-1',
    updateTime: NOW,
    updateUser: 'user-1',
    ...overrides,
  };
}

function defineWorkspaceSuite(target: StoreDialectTarget): void {
  describeDialect(`workspaces on ${target.dialect}`, target, () => {
    let database: TestDatabase;
    let store: Store;

    before(async () => {
      database = await target.create();
      store = await database.open();
    });
    after(() => database?.drop());

    it('migrations run twice', async () => {
      const second = await database.open();
      assert.deepEqual(await migrateToLatest(second.db), []);
      assert.equal(second.dialect, target.dialect);
    });

    it('default workspace created', async () => {
      const projectId = uniqueId();
      const created = await ensureDefaultWorkspace(store.db, {
        projectId,
        domainId: 'domain-1',
        user: 'user-1',
        now: NOW,
      });

      assert.match(created.id, /^[0-9a-f]{32}$/);
      assert.equal(created.name, 'default');
      assert.equal(created.isDefault, true);
      assert.equal(created.projectId, projectId);
      assert.equal(created.description, '');
      assert.equal(created.createTime, NOW);
      assert.equal(typeof created.updateTime, 'number');
      assert.equal(created.updateTime, NOW);
      assert.equal(created.createUser, 'user-1');
    });

    it('default workspace idempotent', async () => {
      const request = { projectId: uniqueId(), domainId: 'domain-1', user: 'user-1', now: NOW };
      const first = await ensureDefaultWorkspace(store.db, request);
      const second = await ensureDefaultWorkspace(store.db, { ...request, id: 'other-id', now: NOW + 1 });

      assert.equal(second.id, first.id);
      assert.equal(second.createTime, NOW);
    });

    it('default workspace under concurrency', async () => {
      const projectId = uniqueId();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          ensureDefaultWorkspace(store.db, {
            id: `candidate-${projectId}-${index}`,
            projectId,
            domainId: 'domain-1',
            user: 'user-1',
            now: NOW,
          }),
        ),
      );

      assert.equal(new Set(results.map((result) => result.id)).size, 1);
      const listed = await listWorkspaces(store.db, { projectId, offset: 0, limit: 20 });
      assert.equal(listed.count, 1);
    });

    it('default workspace with given id and name', async () => {
      const projectId = uniqueId();
      const created = await ensureDefaultWorkspace(store.db, {
        id: `ws-${projectId}`,
        projectId,
        domainId: 'domain-1',
        name: 'Main',
        user: 'user-1',
        now: NOW,
      });

      assert.equal(created.id, `ws-${projectId}`);
      assert.equal(created.name, 'Main');
    });

    it('default workspace blocked by name', async () => {
      const projectId = uniqueId();
      await insertWorkspace(store.db, workspace(projectId, 'default'));

      await assert.rejects(
        ensureDefaultWorkspace(store.db, { projectId, domainId: 'domain-1', user: 'user-1', now: NOW }),
        /already has the name "default"/,
      );
    });

    it('insert rejects duplicate name', async () => {
      const projectId = uniqueId();
      await insertWorkspace(store.db, workspace(projectId, 'sales'));

      const error = await insertWorkspace(store.db, workspace(projectId, 'sales')).catch((caught) => caught);
      assert.ok(error instanceof UniqueViolationError);
      assert.deepEqual(error.columns, ['project_id', 'name']);
    });

    it('insert allows name in other project', async () => {
      await insertWorkspace(store.db, workspace(uniqueId(), 'shared-name'));
      const other = await insertWorkspace(store.db, workspace(uniqueId(), 'shared-name'));

      assert.ok(await findWorkspace(store.db, other.projectId, other.id));
    });

    it('insert rejects duplicate id', async () => {
      const first = await insertWorkspace(store.db, workspace(uniqueId(), 'first'));

      const error = await insertWorkspace(store.db, workspace(uniqueId(), 'second', { id: first.id })).catch(
        (caught) => caught,
      );
      assert.ok(error instanceof UniqueViolationError);
      assert.deepEqual(error.columns, ['id']);
    });

    it('insert rejects second default', async () => {
      const projectId = uniqueId();
      await insertWorkspace(store.db, workspace(projectId, 'one', { isDefault: true }));

      await assert.rejects(
        insertWorkspace(store.db, workspace(projectId, 'two', { isDefault: true })),
        UniqueViolationError,
      );
    });

    it('find scoped by project', async () => {
      const saved = await insertWorkspace(store.db, workspace(uniqueId(), 'finance', { description: 'Q3' }));

      assert.deepEqual(await findWorkspace(store.db, saved.projectId, saved.id), saved);
      assert.equal(await findWorkspace(store.db, uniqueId(), saved.id), undefined);
      assert.equal(await findWorkspace(store.db, saved.projectId, 'missing'), undefined);
    });

    it('list puts default first', async () => {
      const projectId = uniqueId();
      await insertWorkspace(store.db, workspace(projectId, 'alpha'));
      await insertWorkspace(store.db, workspace(projectId, 'zulu', { isDefault: true }));
      await insertWorkspace(store.db, workspace(projectId, 'mike'));

      const listed = await listWorkspaces(store.db, { projectId, offset: 0, limit: 10 });
      assert.deepEqual(
        listed.items.map((item) => item.name),
        ['zulu', 'alpha', 'mike'],
      );
      assert.equal(listed.items[0].isDefault, true);
      assert.equal(listed.items[1].isDefault, false);
    });

    it('list counts as number', async () => {
      const projectId = uniqueId();
      await insertWorkspace(store.db, workspace(projectId, 'one'));
      await insertWorkspace(store.db, workspace(projectId, 'two'));

      const listed = await listWorkspaces(store.db, { projectId, offset: 0, limit: 10 });
      assert.equal(typeof listed.count, 'number');
      assert.equal(listed.count, 2);
      assert.equal(typeof listed.items[0].createTime, 'number');
      assert.equal(listed.items[0].createTime, NOW);
    });

    it('list pages', async () => {
      const projectId = uniqueId();
      for (const name of ['a', 'b', 'c', 'd', 'e']) {
        await insertWorkspace(store.db, workspace(projectId, name));
      }

      const page = await listWorkspaces(store.db, { projectId, offset: 1, limit: 2 });
      assert.equal(page.count, 5);
      assert.deepEqual(
        page.items.map((item) => item.name),
        ['b', 'c'],
      );
      const past = await listWorkspaces(store.db, { projectId, offset: 10, limit: 2 });
      assert.equal(past.count, 5);
      assert.deepEqual(past.items, []);
    });

    it('list filters by name', async () => {
      const projectId = uniqueId();
      await insertWorkspace(store.db, workspace(projectId, 'Sales EMEA'));
      await insertWorkspace(store.db, workspace(projectId, 'Presales'));
      await insertWorkspace(store.db, workspace(projectId, 'finance'));

      const listed = await listWorkspaces(store.db, { projectId, name: 'SALES', offset: 0, limit: 10 });
      assert.equal(listed.count, 2);
      assert.deepEqual(
        listed.items.map((item) => item.name),
        ['Presales', 'Sales EMEA'],
      );
    });

    it('list name filter escapes wildcards', async () => {
      const projectId = uniqueId();
      await insertWorkspace(store.db, workspace(projectId, '100% done'));
      await insertWorkspace(store.db, workspace(projectId, '100 done'));
      await insertWorkspace(store.db, workspace(projectId, 'a_b'));
      await insertWorkspace(store.db, workspace(projectId, 'axb'));

      const percent = await listWorkspaces(store.db, { projectId, name: '0%', offset: 0, limit: 10 });
      assert.deepEqual(
        percent.items.map((item) => item.name),
        ['100% done'],
      );
      const underscore = await listWorkspaces(store.db, { projectId, name: 'a_', offset: 0, limit: 10 });
      assert.deepEqual(
        underscore.items.map((item) => item.name),
        ['a_b'],
      );
    });

    it('list rejects invalid page', async () => {
      await assert.rejects(listWorkspaces(store.db, { projectId: 'p', offset: -1, limit: 10 }), RangeError);
      await assert.rejects(listWorkspaces(store.db, { projectId: 'p', offset: 0, limit: 0 }), RangeError);
    });
  });
}

for (const target of await storeDialects('store_workspaces')) {
  defineWorkspaceSuite(target);
}
