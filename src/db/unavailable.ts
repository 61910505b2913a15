// Is this failure "the database is away" (stopped, restarting, unreachable) rather than a fault in the
// query or the data? The first heals by itself when PostgreSQL returns, so callers wait for it instead of
// failing the work: the webhook answers 503 (WeCom retries), a job is retried without spending an attempt.

/** Socket-level failures: the server is not there, or the connection to it broke. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * SQLSTATEs of a server going away or not taking connections yet: class 08 (connection exception),
 * 57P01 admin_shutdown ("terminating connection due to administrator command", a fast stop or restart),
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down, in recovery), 53300
 * too_many_connections.
 */
const SERVER_GONE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres and Kysely say it only in words. */
const GONE_MESSAGES = [
  /^Connection terminated/, // unexpectedly / due to connection timeout
  /not queryable/, // a client whose connection broke between two queries of a transaction
  /timeout exceeded when trying to connect/, // the pool's connectionTimeoutMillis
  /^Query read timeout$/, // query_timeout: the server stopped answering
  /connection has been discarded/, // Kysely, after a failed rollback on a broken connection
];

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || SERVER_GONE_STATES.has(e.code) || e.code.startsWith('08'))) return true;
  if (typeof e.message === 'string' && GONE_MESSAGES.some((re) => re.test(e.message as string))) return true;
  // Node wraps a failed connect to several addresses in an AggregateError; pg-pool wraps timeouts in `cause`.
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
