// Which failures mean "the database is away" (wait for it: 503, job retried without spending an attempt) and
// which are the query's or the data's own fault (never mistaken for an outage, so they fail as they should).
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code, severity: 'FATAL' });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect' });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', socketError('ECONNREFUSED')],
    ['connection reset', socketError('ECONNRESET')],
    ['57P01 administrator command (fast stop or restart)', pgError('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash shutdown', pgError('57P02')],
    ['57P03 starting up', pgError('57P03', 'the database system is starting up')],
    ['53300 too many connections', pgError('53300')],
    ['08006 connection failure', pgError('08006')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a client broken between two queries', new Error('Client has encountered a connection error and is not queryable')],
    ['the pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['the pool connect timeout wrapping its cause', new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') })],
    ['query_timeout', new Error('Query read timeout')],
    ['Kysely after a failed rollback', new Error('Postgres connection has been discarded')],
    ['several addresses refused', new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')], '')],
  ])('%s: unavailable', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['23505 unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['22021 invalid byte sequence (a NUL)', pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['22P05 untranslatable character', pgError('22P05', 'unsupported Unicode escape sequence')],
    ['22001 value too long', pgError('22001')],
    ['42601 syntax error', pgError('42601')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error at all', 'connection refused'],
    ['nothing', undefined],
  ])('%s: not unavailable', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
