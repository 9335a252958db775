/**
 * Adds what the connection lifecycle needs to survive crashes and run on several replicas:
 * - `lease_owner` and `lease_until`: the process working on a row (a create, a replacement, a status
 *   check) and until when; an expired lease means that process died, and another may take the row over;
 * - `next_check_at`: when the status sync should read the endpoint again, null when never;
 * - `endpoint_created_at`: when the current endpoint was created, for expiring endpoints left pending.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connections').addColumn('lease_owner', 'text').execute();
  await db.schema.alterTable('connections').addColumn('lease_until', 'bigint').execute();
  await db.schema.alterTable('connections').addColumn('next_check_at', 'bigint').execute();
  await db.schema.alterTable('connections').addColumn('endpoint_created_at', 'bigint').execute();

  await db.schema
    .createIndex('connections_next_check_index')
    .on('connections')
    .column('next_check_at')
    .execute();
  await db.schema
    .createIndex('connections_phase_lease_index')
    .on('connections')
    .columns(['phase', 'lease_until'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('connections_phase_lease_index').execute();
  await db.schema.dropIndex('connections_next_check_index').execute();
  for (const column of ['endpoint_created_at', 'next_check_at', 'lease_until', 'lease_owner']) {
    await db.schema.alterTable('connections').dropColumn(column).execute();
  }
}
