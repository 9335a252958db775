/**
 * Leases on connection rows. A process that works on a row (creating or replacing its endpoint, checking
 * its status) first holds the row's lease: `lease_owner` names the process and `lease_until` is when
 * the lease ends. A lease whose time has passed is free, so the rows of a process that died are taken over by
 * another once its lease runs out. Each claim is one conditional UPDATE, so of two processes claiming the
 * same row only one succeeds, on SQLite and on PostgreSQL alike.
 */
import { PostgresAdapter, sql } from 'kysely';
import { type Connection, toConnection } from './models.ts';
import type { DatabaseHandle } from './schema.ts';

export interface Lease {
  owner: string;
  until: number;
}

/** Extends the caller's lease. Returns false when the caller is no longer the lease owner. */
export async function renewLease(db: DatabaseHandle, id: string, lease: Lease): Promise<boolean> {
  const result = await db
    .updateTable('connections')
    .set({ lease_until: lease.until })
    .where('id', '=', id)
    .where('lease_owner', '=', lease.owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives up a lease the caller holds, so other processes need not wait for it to run out. */
export async function releaseLease(db: DatabaseHandle, id: string, owner: string): Promise<void> {
  await db
    .updateTable('connections')
    .set({ lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/**
 * Takes the lease of a live row whose lease is free at `now`. Returns the row as claimed, or undefined
 * when another process holds a lease on it or the row is gone.
 */
export async function claimLease(
  db: DatabaseHandle,
  id: string,
  lease: Lease,
  now: number,
): Promise<Connection | undefined> {
  const row = await db
    .updateTable('connections')
    .set({ lease_owner: lease.owner, lease_until: lease.until })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
  return row && toConnection(row);
}

export interface EndpointCommit {
  vpcEpClientId: string;
  vpcEpClientStatus: string;
  now: number;
  endpointCreatedAt: number;
  nextCheckAt: number | null;
}

/**
 * Records the endpoint that the lease holder created or adopted, makes the row active and frees the
 * lease. Returns undefined, and changes nothing, when the caller no longer holds the lease.
 */
export async function commitEndpoint(
  db: DatabaseHandle,
  id: string,
  owner: string,
  commit: EndpointCommit,
): Promise<Connection | undefined> {
  const row = await db
    .updateTable('connections')
    .set({
      phase: 'active',
      vpc_ep_client_id: commit.vpcEpClientId,
      vpc_ep_client_status: commit.vpcEpClientStatus,
      update_date: commit.now,
      status_checked_at: commit.now,
      endpoint_created_at: commit.endpointCreatedAt,
      next_check_at: commit.nextCheckAt,
      lease_owner: null,
      lease_until: null,
    })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where('lease_owner', '=', owner)
    .returningAll()
    .executeTakeFirst();
  return row && toConnection(row);
}

/**
 * Claims up to `limit` rows that need work at `now` and whose lease is free: active rows whose
 * `next_check_at` has come, and reservations whose creating process has lost its lease. On PostgreSQL
 * the candidates are locked with `FOR UPDATE SKIP LOCKED`, so replicas claiming at the same moment take
 * different rows instead of queueing behind each other.
 */
export async function claimDueConnections(
  db: DatabaseHandle,
  lease: Lease,
  options: { now: number; limit: number },
): Promise<Connection[]> {
  const { now, limit } = options;
  let candidates = db
    .selectFrom('connections')
    .select('id')
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .where((eb) =>
      eb.or([
        eb.and([eb('phase', '=', 'active'), eb('next_check_at', '<=', now)]),
        // A reservation is due once its lease ran out, unless a failed resolution postponed it.
        eb.and([
          eb('phase', '=', 'reserved'),
          eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now)]),
        ]),
      ]),
    )
    .orderBy('next_check_at', (order) => order.asc().nullsFirst())
    .orderBy('id')
    .limit(limit);
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    candidates = candidates.forUpdate().skipLocked();
  }

  const rows = await db
    .updateTable('connections')
    .set({ lease_owner: lease.owner, lease_until: lease.until })
    .where('id', 'in', candidates)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returningAll()
    .execute();
  return rows.map(toConnection);
}

/** Sets when the status sync reads a connection again, after a check that could not be made. */
export async function postponeCheck(db: DatabaseHandle, id: string, nextCheckAt: number): Promise<void> {
  await db.updateTable('connections').set({ next_check_at: nextCheckAt }).where('id', '=', id).execute();
}

/** Returns a connection by id in any phase, deleted ones included, for cleanups and repeated deletes. */
export async function findConnectionAnyPhase(
  db: DatabaseHandle,
  id: string,
): Promise<Connection | undefined> {
  const row = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toConnection(row);
}

/** Counts live connections by endpoint status, for metrics. */
export async function countConnectionsByStatus(db: DatabaseHandle): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('connections')
    .select(['vpc_ep_client_status as status', sql<string | number>`count(*)`.as('count')])
    .where('deleted_at', 'is', null)
    .groupBy('vpc_ep_client_status')
    .execute();
  return new Map(rows.map((row) => [row.status ?? 'reserved', Number(row.count)]));
}
