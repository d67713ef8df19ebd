import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError } from '../config/config.error.js';
import { loadEnv } from '../config/load-env.js';

describe('leader configuration', () => {
  it('defaults to lease 10 s, renew 2 s, deadline 7 s, retry 1 s', () => {
    expect(loadEnv({})).toMatchObject({
      LEADER_KEY: 'clinical-ops-worker',
      LEADER_LEASE_MS: 10_000,
      LEADER_RENEW_INTERVAL_MS: 2_000,
      LEADER_RENEW_DEADLINE_MS: 7_000,
      LEADER_RETRY_INTERVAL_MS: 1_000,
    });
  });

  it.each([
    [
      'renew interval equal to the deadline',
      { LEADER_RENEW_INTERVAL_MS: '7000' },
      'LEADER_RENEW_INTERVAL_MS',
    ],
    [
      'renew interval above the deadline',
      { LEADER_RENEW_INTERVAL_MS: '8000' },
      'LEADER_RENEW_INTERVAL_MS',
    ],
    [
      'deadline equal to the lease',
      { LEADER_RENEW_DEADLINE_MS: '10000' },
      'LEADER_RENEW_DEADLINE_MS',
    ],
    ['deadline above the lease', { LEADER_LEASE_MS: '5000' }, 'LEADER_RENEW_DEADLINE_MS'],
    ['zero lease', { LEADER_LEASE_MS: '0' }, 'LEADER_LEASE_MS'],
    ['negative retry', { LEADER_RETRY_INTERVAL_MS: '-1' }, 'LEADER_RETRY_INTERVAL_MS'],
    ['non-numeric renew', { LEADER_RENEW_INTERVAL_MS: 'soon' }, 'LEADER_RENEW_INTERVAL_MS'],
    ['fractional deadline', { LEADER_RENEW_DEADLINE_MS: '1.5' }, 'LEADER_RENEW_DEADLINE_MS'],
    ['a key with a brace (breaks the hash tag)', { LEADER_KEY: 'a}b' }, 'LEADER_KEY'],
    ['an empty key', { LEADER_KEY: '' }, 'LEADER_KEY'],
    ['an instance id with a space', { INSTANCE_ID: 'pod 1' }, 'INSTANCE_ID'],
  ])('rejects %s, naming the variable', (_case, env, variable) => {
    const load = () => loadEnv(env);
    expect(load).toThrow(ConfigValidationError);
    expect(load).toThrow(new RegExp(`${variable}:`));
  });

  it.each([
    [
      'short test timings',
      {
        LEADER_LEASE_MS: '1500',
        LEADER_RENEW_INTERVAL_MS: '300',
        LEADER_RENEW_DEADLINE_MS: '1000',
        LEADER_RETRY_INTERVAL_MS: '200',
      },
    ],
    ['a retry longer than the lease', { LEADER_RETRY_INTERVAL_MS: '20000' }],
    [
      'a dotted key and instance id',
      { LEADER_KEY: 'team.worker:prod', INSTANCE_ID: 'pod-1.zone_a' },
    ],
  ])('accepts %s', (_case, env) => {
    expect(() => loadEnv(env)).not.toThrow();
  });
});
