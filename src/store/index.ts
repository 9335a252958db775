/** The store's public API: opening the database, the repositories, their domain types and errors. */
export { type ListConnectionsRequest, listConnections } from './connection-listings.ts';
export {
  type ActivateConnectionChange,
  activateConnection,
  type ConnectionStatusChange,
  DELETED_STATUS,
  findConnection,
  findConnectionByEndpointId,
  findLiveConnectionByService,
  markConnectionDeleted,
  releaseReservation,
  reserveConnection,
  updateConnectionStatus,
} from './connections.ts';
export {
  DEFAULT_POOL_MAX,
  type OpenDatabaseOptions,
  openDatabase,
  SQLITE_FILE_NAME,
  type Store,
  type StoreDialect,
} from './database.ts';
export {
  ConnectionExistsError,
  isUniqueViolation,
  translateDatabaseError,
  UniqueViolationError,
} from './errors.ts';
export {
  claimDueConnections,
  claimLease,
  commitEndpoint,
  countConnectionsByStatus,
  type EndpointCommit,
  findConnectionAnyPhase,
  type Lease,
  postponeCheck,
  releaseLease,
  renewLease,
} from './leases.ts';
export type { StoreLogger } from './logger.ts';
export { migrateToLatest } from './migrate.ts';
export type { Connection, ConnectionPhase, NewConnection, Workspace } from './models.ts';
export type { Page, PageRequest } from './page.ts';
export type { Database, DatabaseHandle } from './schema.ts';
export {
  DEFAULT_WORKSPACE_NAME,
  type EnsureDefaultWorkspaceRequest,
  ensureDefaultWorkspace,
  findWorkspace,
  insertWorkspace,
  type ListWorkspacesRequest,
  listWorkspaces,
} from './workspaces.ts';
