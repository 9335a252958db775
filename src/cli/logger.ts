/** The process logger: JSON lines through pino, with secrets redacted wherever they might appear. */
import pino, { type Logger } from 'pino';

const REDACTED_PATHS = [
  'req.headers["x-auth-token"]',
  'req.headers["x-subject-token"]',
  'req.headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-subject-token"]',
  'headers.authorization',
  '*.secretAccessKey',
  '*.password',
  '*.token',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'vpcep-connect' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}
