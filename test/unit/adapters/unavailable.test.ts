import { ReplyError } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { DatabaseError } from 'pg';
import { asConnectionFailure, ConnectionFailure, isUnavailable } from '../../../lambdas/adapters/unavailable';

/**
 * What is a 503 (the dependency could not answer) and what is not, decided by the errors' types and
 * codes as the drivers make them (ioredis' ReplyError, pg's DatabaseError with its SQLSTATE, Node's
 * system errors), never by their text: a message that only sounds like a timeout is not one.
 */
const pgError = (code: string, message = 'server said no') => Object.assign(new DatabaseError(message, message.length, 'error'), { code });
const systemError = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:6379`), { code, syscall: 'connect' });

describe('isUnavailable', () => {
  it.each([
    ['a demoted Redis primary (READONLY)', new ReplyError("READONLY You can't write against a read only replica.")],
    ['a Redis node loading its data (LOADING)', new ReplyError('LOADING Redis is loading the dataset in memory')],
    ['a replica cut off from its primary (MASTERDOWN)', new ReplyError('MASTERDOWN Link with MASTER is down')],
    ['ioredis out of reconnection attempts', new MaxRetriesPerRequestError(1)],
    ['PostgreSQL shutting down (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['PostgreSQL starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
    ['a connection exception (08006)', pgError('08006')],
    ['a statement cancelled by its timeout (57014)', pgError('57014', 'canceling statement due to statement timeout')],
    ['a refused password (28P01)', pgError('28P01', 'password authentication failed for user "app"')],
    ['a refused connection', systemError('ECONNREFUSED')],
    ['a connect timeout', systemError('ETIMEDOUT')],
    ['an unresolvable host', systemError('ENOTFOUND')],
    ['a driver timeout, as the adapters type it', new ConnectionFailure('Redis', new Error('Command timed out'))],
    ['every address refused', new AggregateError([systemError('ECONNREFUSED')])],
  ])('%s is unavailable', (_what, err) => {
    expect(isUnavailable(err)).toBe(true);
  });

  it.each([
    ['a Redis command refused (WRONGTYPE)', new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['a Lua error', new ReplyError('ERR Error running script: attempt to compare nil with number')],
    ['a SQL syntax error (42601)', pgError('42601', 'syntax error at or near "SELEC"')],
    ['a unique violation (23505)', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a protocol violation, our bug (08P01)', pgError('08P01', 'bind message supplies 1 parameters, but prepared statement requires 2')],
    ['an error whose text only sounds like a timeout', new Error('reservation hold timed out: Connection is closed')],
    ['a domain error naming a network code in its text', new Error('the ECONNREFUSED car is not available')],
  ])('%s is not', (_what, err) => {
    expect(isUnavailable(err)).toBe(false);
  });
});

describe('asConnectionFailure (the adapters, on a driver error)', () => {
  it("types a driver's own plain Error (its timeouts, a closed connection) as a ConnectionFailure", () => {
    const typed = asConnectionFailure('PostgreSQL', new Error('Query read timeout'));
    expect(typed).toBeInstanceOf(ConnectionFailure);
    expect(typed).toMatchObject({ dependency: 'PostgreSQL', message: 'PostgreSQL: Query read timeout' });
  });

  it("leaves the server's refusals, system errors and our own bugs as they are", () => {
    for (const err of [pgError('23505'), new ReplyError('WRONGTYPE x'), systemError('ECONNRESET'), new TypeError('x is not a function')]) {
      expect(asConnectionFailure('Redis', err)).toBe(err);
    }
  });
});
