/**
 * Lua for the Redis lease. KEYS[1] = lease key, KEYS[2] = epoch key. The lease
 * value is "<token>:<instanceId>", so renew and release by a later holder with
 * the same instance id are still told apart. Every script compares before it
 * acts: there is no GET-then-DEL race.
 */

/** ARGV[1] = instance id, ARGV[2] = lease ms. Returns the new token, or false when held. */
export const ACQUIRE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = tonumber(redis.call('GET', KEYS[2]) or '0') + 1
local value = token .. ':' .. ARGV[1]
if not redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2]) then return false end
-- The epoch counter never has a TTL: tokens keep growing across every holder.
return redis.call('INCR', KEYS[2])
`;

/** ARGV[1] = lease value, ARGV[2] = lease ms. Returns 1 when extended, 0 when not held. */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** ARGV[1] = lease value, ARGV[2] = release channel. Returns 1 when released, 0 when not held. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[1])
  return 1
end
return 0
`;

/** Returns { value or false, pttl }. */
export const READ_SCRIPT = `
return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]) }
`;

export function leaseValue(token: number, instanceId: string): string {
  return `${token}:${instanceId}`;
}

export function parseLeaseValue(value: string): { token: number; holderId: string } | null {
  const colon = value.indexOf(':');
  const token = Number(value.slice(0, colon));
  if (colon <= 0 || !Number.isSafeInteger(token)) return null;
  return { token, holderId: value.slice(colon + 1) };
}
