/** A dependency being down is recognised in one place and answered as SERVICE_UNAVAILABLE. */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../src/errors';
import { createMaskError } from '../src/graphql/errors';
import { toUnavailable } from '../src/unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const named = (message: string, name: string) => Object.assign(new Error(message), { name });

describe('toUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['an admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['a crash shutdown', withCode('terminating connection due to crash', '57P02')],
    ['a server starting up', withCode('the database system is starting up', '57P03')],
    ['a connection exception', withCode('connection failure', '08006')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    [
      'a refusal inside an AggregateError',
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''),
    ],
    [
      'a lost connection as the cause of a wrapper',
      new Error('migration failed', { cause: new Error('Connection terminated') }),
    ],
  ])('answers %s with the database unavailable', (_what, error) => {
    const found = toUnavailable(error);
    expect(found?.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(found?.details.dependency).toBe('database');
    expect(found?.httpStatus).toBe(503);
  });

  it.each([
    ['a closed NATS connection', named('closed connection', 'ClosedConnectionError')],
    ['a NATS request timeout', named('timeout', 'TimeoutError')],
    ['no JetStream responders', named("no responders: '$JS.API'", 'NoResponders')],
  ])('answers %s with the events backbone unavailable', (_what, error) => {
    expect(toUnavailable(error)?.details.dependency).toBe('events');
  });

  it.each([
    ['a bug', new TypeError('cannot read properties of undefined')],
    ['a constraint violation', withCode('duplicate key value', '23505')],
    ['a syntax error in SQL', withCode('syntax error at or near "x"', '42601')],
    ['a client error', new AppError(ErrorCode.NOT_FOUND, 'not here')],
    ['a thrown string', 'ECONNREFUSED'],
  ])('leaves %s as it is', (_what, error) => {
    expect(toUnavailable(error)).toBeUndefined();
  });
});

describe('the GraphQL error mask', () => {
  it('turns a lost database into SERVICE_UNAVAILABLE with 503 and Retry-After, logged as a warning', () => {
    const errors: unknown[] = [];
    const warnings: unknown[] = [];
    const mask = createMaskError(
      (e) => errors.push(e),
      (e) => warnings.push(e),
    );
    const lost = withCode('terminating connection due to administrator command', '57P01');
    const located = new GraphQLError(lost.message, { path: ['me'], originalError: lost });
    const masked = mask(located, 'Unexpected error.') as GraphQLError;
    expect(masked.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(masked.extensions.http).toMatchObject({
      status: 503,
      headers: { 'retry-after': expect.stringMatching(/^\d+$/) },
    });
    expect(masked.path).toEqual(['me']);
    expect(warnings).toEqual([lost]);
    expect(errors).toEqual([]);
  });

  it('still masks and logs a bug as an unexpected error', () => {
    const errors: unknown[] = [];
    const warnings: unknown[] = [];
    const mask = createMaskError(
      (e) => errors.push(e),
      (e) => warnings.push(e),
    );
    const masked = mask(new TypeError('oops'), 'Unexpected error.') as GraphQLError;
    expect(masked.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(errors).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});
