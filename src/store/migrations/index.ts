/**
 * Every migration, keyed by name in the order they run. The list is written out in code instead of read
 * from a folder, so it works the same under tsx and after bundling.
 */
import type { Migration } from 'kysely';
import * as initial from './0001_initial.ts';
import * as leases from './0002_leases.ts';

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_leases': leases,
};
