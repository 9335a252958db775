/**
 * Store errors. Unique violations arrive as SQLSTATE 23505 from PostgreSQL and as
 * SQLITE_CONSTRAINT_UNIQUE or SQLITE_CONSTRAINT_PRIMARYKEY from SQLite, and the store raises both as
 * one UniqueViolationError.
 */

const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const POSTGRES_UNIQUE_VIOLATION = '23505';

export class UniqueViolationError extends Error {
  /** Constraint or index name. PostgreSQL reports it; SQLite reports only the columns. */
  readonly constraint?: string;
  readonly table?: string;
  /** Columns of the violated key, when the driver names them. */
  readonly columns: readonly string[];

  constructor(
    message: string,
    details: { constraint?: string; table?: string; columns: string[]; cause: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'UniqueViolationError';
    this.constraint = details.constraint;
    this.table = details.table;
    this.columns = details.columns;
  }
}

/** Raised when a workspace already has a live connection to the endpoint service. */
export class ConnectionExistsError extends Error {
  readonly workspaceId: string;
  readonly vpcEpServerId: string;

  constructor(workspaceId: string, vpcEpServerId: string) {
    super(`Workspace ${workspaceId} already has a live connection to VPC endpoint service ${vpcEpServerId}`);
    this.name = 'ConnectionExistsError';
    this.workspaceId = workspaceId;
    this.vpcEpServerId = vpcEpServerId;
  }
}

interface DriverError {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  table?: unknown;
  detail?: unknown;
}

/** True for a UniqueViolationError and for a raw unique violation from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof UniqueViolationError) return true;
  const code = (error as DriverError | null)?.code;
  return code === POSTGRES_UNIQUE_VIOLATION || (typeof code === 'string' && SQLITE_UNIQUE_CODES.has(code));
}

/** Returns a UniqueViolationError for a driver's unique violation, and any other error unchanged. */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof UniqueViolationError || !isUniqueViolation(error)) return error;

  const driverError = error as DriverError;
  const message = String(driverError.message);
  if (driverError.code === POSTGRES_UNIQUE_VIOLATION) {
    return new UniqueViolationError(message, {
      constraint: optionalString(driverError.constraint),
      table: optionalString(driverError.table),
      columns: postgresKeyColumns(optionalString(driverError.detail)),
      cause: error,
    });
  }
  return new UniqueViolationError(message, { ...sqliteKey(message), cause: error });
}

/** Reads the columns from a detail such as `Key (workspace_id, vpc_ep_server_id)=(w, s) already exists.` */
function postgresKeyColumns(detail: string | undefined): string[] {
  const list = detail ? /^Key \(([^)]*)\)=/.exec(detail)?.[1] : undefined;
  return list ? list.split(',').map((column) => column.trim().replace(/^"|"$/g, '')) : [];
}

/**
 * Reads the table and columns from a message such as `UNIQUE constraint failed: connections.id`. SQLite
 * names the index instead, as `index 'name'`, when the key contains an expression.
 */
function sqliteKey(message: string): { constraint?: string; table?: string; columns: string[] } {
  const list = /constraint failed: (.*)$/.exec(message)?.[1];
  if (!list) return { columns: [] };

  const indexName = /^index '(.*)'$/.exec(list)?.[1];
  if (indexName) return { constraint: indexName, columns: [] };

  const qualified = list.split(', ').map((name) => name.split('.'));
  return { table: qualified[0]?.[0], columns: qualified.map((parts) => parts[parts.length - 1]) };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
