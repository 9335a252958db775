/** The logging interface the store needs; a pino logger satisfies it. */

export interface StoreLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}
