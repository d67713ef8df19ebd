import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError } from './config.error.js';
import { loadEnv } from './load-env.js';

describe('loadEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      LOG_FORMAT: 'json',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      TASK_BACKOFF_INITIAL_MS: 1_000,
      TASK_BACKOFF_MAX_MS: 60_000,
      TASK_BACKOFF_FACTOR: 2,
      TASK_BACKOFF_RESET_AFTER_MS: 60_000,
      LEADER_LEASE_MS: 10_000,
      LEADER_RENEW_INTERVAL_MS: 2_000,
      LEADER_RENEW_DEADLINE_MS: 7_000,
      LEADER_RETRY_INTERVAL_MS: 1_000,
      POLLER_STREAM: 'messages.inbound',
      POLLER_GROUP: 'workers',
      POLLER_MAX_DELIVERIES: 5,
    });
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.API_TOKEN).toBeUndefined();
  });

  it('coerces numbers and treats blank optional strings as unset', () => {
    const env = loadEnv({ PORT: '8080', API_TOKEN: '  ', REDIS_URL: '' });
    expect(env.PORT).toBe(8080);
    expect(env.API_TOKEN).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ SHUTDOWN_TIMEOUT_MS: '-5' }, 'SHUTDOWN_TIMEOUT_MS'],
    [{ TASK_BACKOFF_INITIAL_MS: '0' }, 'TASK_BACKOFF_INITIAL_MS'],
    [{ TASK_BACKOFF_INITIAL_MS: '90000' }, 'TASK_BACKOFF_INITIAL_MS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ LEADER_RENEW_INTERVAL_MS: '7000' }, 'LEADER_RENEW_INTERVAL_MS'],
    [{ LEADER_RENEW_DEADLINE_MS: '10000' }, 'LEADER_RENEW_DEADLINE_MS'],
    [{ LEADER_LEASE_MS: '5000' }, 'LEADER_RENEW_DEADLINE_MS'],
    [{ POLLER_STREAM: 'has spaces' }, 'POLLER_STREAM'],
    [{ POLLER_MAX_DELIVERIES: '0' }, 'POLLER_MAX_DELIVERIES'],
  ])('rejects %j naming %s', (raw, variable) => {
    expect(() => loadEnv(raw)).toThrow(ConfigValidationError);
    expect(() => loadEnv(raw)).toThrow(new RegExp(`^\\s+- ${variable}:`, 'm'));
  });

  it('reports every broken variable at once', () => {
    let caught: unknown;
    try {
      loadEnv({ PORT: 'abc', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as ConfigValidationError).problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'LOG_LEVEL',
      'PORT',
    ]);
  });
});
