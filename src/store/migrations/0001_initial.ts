/** Creates the workspaces and connections tables. */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createWorkspaces(db);
  await createConnections(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('connections').execute();
  await db.schema.dropTable('workspaces').execute();
}

async function createWorkspaces(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (column) => column.primaryKey().notNull())
    .addColumn('project_id', 'text', (column) => column.notNull())
    .addColumn('domain_id', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('description', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('is_default', 'integer', (column) => column.notNull())
    .addColumn('create_time', 'bigint', (column) => column.notNull())
    .addColumn('create_user', 'text', (column) => column.notNull())
    .addColumn('update_time', 'bigint', (column) => column.notNull())
    .addColumn('update_user', 'text', (column) => column.notNull())
    .addUniqueConstraint('workspaces_project_name_unique', ['project_id', 'name'])
    .addCheckConstraint('workspaces_is_default_check', sql`is_default in (0, 1)`)
    .execute();

  // A partial unique index allows any number of non-default workspaces but one default per project.
  await db.schema
    .createIndex('workspaces_one_default_per_project')
    .on('workspaces')
    .column('project_id')
    .unique()
    .where(sql.ref('is_default'), '=', 1)
    .execute();
}

async function createConnections(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (column) => column.primaryKey().notNull())
    .addColumn('project_id', 'text', (column) => column.notNull())
    .addColumn('domain_id', 'text', (column) => column.notNull())
    .addColumn('workspace_id', 'text', (column) => column.notNull())
    .addColumn('ds_type', 'text', (column) => column.notNull())
    .addColumn('vpc_ep_server_id', 'text', (column) => column.notNull())
    .addColumn('vpc_ep_server_name', 'text', (column) => column.notNull())
    .addColumn('vpc_ep_client_id', 'text')
    .addColumn('vpc_ep_client_status', 'text')
    .addColumn('phase', 'text', (column) => column.notNull())
    .addColumn('scene', 'text', (column) => column.notNull())
    .addColumn('create_date', 'bigint', (column) => column.notNull())
    .addColumn('create_user', 'text', (column) => column.notNull())
    .addColumn('create_user_name', 'text', (column) => column.notNull())
    .addColumn('update_date', 'bigint', (column) => column.notNull())
    .addColumn('update_user', 'text', (column) => column.notNull())
    .addColumn('update_user_name', 'text', (column) => column.notNull())
    .addColumn('status_checked_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .addCheckConstraint('connections_phase_check', sql`phase in ('reserved', 'active', 'deleted')`)
    .execute();

  // One live connection per workspace and endpoint service. Deleted rows keep their history and do not
  // block a new connection to the same service.
  await db.schema
    .createIndex('connections_live_service_unique')
    .on('connections')
    .columns(['workspace_id', 'vpc_ep_server_id'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();

  await db.schema
    .createIndex('connections_listing_index')
    .on('connections')
    .columns(['project_id', 'workspace_id', 'create_date'])
    .execute();

  await db.schema
    .createIndex('connections_client_id_index')
    .on('connections')
    .column('vpc_ep_client_id')
    .execute();
}
