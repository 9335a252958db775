/** Workspace repository: a project's workspaces, one of which may be its default. */
import { randomBytes } from 'node:crypto';
import { translateDatabaseError } from './errors.ts';
import { toNumber, toWorkspace, type Workspace } from './models.ts';
import { assertPageRequest, containsIgnoringCase, type Page, type PageRequest } from './page.ts';
import type { DatabaseHandle } from './schema.ts';

export const DEFAULT_WORKSPACE_NAME = 'default';

export interface ListWorkspacesRequest extends PageRequest {
  projectId: string;
  /** Case-insensitive substring of the workspace name. */
  name?: string;
}

export interface EnsureDefaultWorkspaceRequest {
  /** Id for a new default workspace; 32 random hex characters when absent. */
  id?: string;
  projectId: string;
  domainId: string;
  /** Name for a new default workspace (default `default`). */
  name?: string;
  /** User id recorded as creator of a new default workspace. */
  user: string;
  /** Creation time of a new default workspace, in epoch milliseconds. */
  now: number;
}

/** Lists a project's workspaces, the default first and then by name. */
export async function listWorkspaces(
  db: DatabaseHandle,
  request: ListWorkspacesRequest,
): Promise<Page<Workspace>> {
  assertPageRequest(request);

  let query = db.selectFrom('workspaces').where('project_id', '=', request.projectId);
  if (request.name !== undefined && request.name !== '') {
    query = query.where(containsIgnoringCase('name', request.name));
  }

  const { count } = await query
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('is_default', 'desc')
    .orderBy('name')
    .orderBy('id')
    .offset(request.offset)
    .limit(request.limit)
    .execute();

  return { count: toNumber(count, 'count(*)'), items: rows.map(toWorkspace) };
}

export async function findWorkspace(
  db: DatabaseHandle,
  projectId: string,
  workspaceId: string,
): Promise<Workspace | undefined> {
  const row = await db
    .selectFrom('workspaces')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row && toWorkspace(row);
}

/**
 * Inserts a workspace. Throws UniqueViolationError when the id is taken, when the project already has a
 * workspace of that name, or when it already has a default and this one is a default too.
 */
export async function insertWorkspace(db: DatabaseHandle, workspace: Workspace): Promise<Workspace> {
  try {
    await db
      .insertInto('workspaces')
      .values({
        id: workspace.id,
        project_id: workspace.projectId,
        domain_id: workspace.domainId,
        name: workspace.name,
        description: workspace.description,
        is_default: workspace.isDefault ? 1 : 0,
        create_time: workspace.createTime,
        create_user: workspace.createUser,
        update_time: workspace.updateTime,
        update_user: workspace.updateUser,
      })
      .execute();
  } catch (error) {
    throw translateDatabaseError(error);
  }
  return workspace;
}

/**
 * Returns the project's default workspace, inserting it when the project has none. Safe to call
 * concurrently: the insert skips any unique conflict instead of failing (which would also abort a
 * surrounding PostgreSQL transaction), and the default that another caller inserted is read back.
 * Throws when the project has no default but a workspace of the same name or id blocks the insert.
 */
export async function ensureDefaultWorkspace(
  db: DatabaseHandle,
  request: EnsureDefaultWorkspaceRequest,
): Promise<Workspace> {
  const existing = await findDefaultWorkspace(db, request.projectId);
  if (existing) return existing;

  const id = request.id ?? randomBytes(16).toString('hex');
  const name = request.name ?? DEFAULT_WORKSPACE_NAME;
  await db
    .insertInto('workspaces')
    .values({
      id,
      project_id: request.projectId,
      domain_id: request.domainId,
      name,
      description: '',
      is_default: 1,
      create_time: request.now,
      create_user: request.user,
      update_time: request.now,
      update_user: request.user,
    })
    .onConflict((conflict) => conflict.doNothing())
    .execute();

  // NOTE: inside a PostgreSQL REPEATABLE READ or SERIALIZABLE transaction this read misses a default that
  // a concurrent caller committed, so the call throws below. READ COMMITTED, the default, reads it.
  const created = await findDefaultWorkspace(db, request.projectId);
  if (created) return created;
  throw new Error(
    `Failed to create the default workspace of project ${request.projectId}: ` +
      `another workspace already has the name "${name}" or the id ${id}; pass another name or id`,
  );
}

async function findDefaultWorkspace(db: DatabaseHandle, projectId: string): Promise<Workspace | undefined> {
  const row = await db
    .selectFrom('workspaces')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('is_default', '=', 1)
    .executeTakeFirst();
  return row && toWorkspace(row);
}
