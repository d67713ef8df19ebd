/**
 * Lua bodies of the worklist's writes. The fenced ones run inside
 * fencedScript(): KEYS[1]/ARGV[1] are the fence key and token, the body uses
 * KEYS[2..] and ARGV[2..]. Each body is one atomic step.
 */

/** KEYS: 2 item hash, 3 open zset, 4 unescalated zset. ARGV: 2 id, 3 dueAt ms, 4.. hash field/value pairs. */
export const FILE_BODY = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 'duplicate' end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
return 'filed'
`;

/**
 * KEYS: 2 item hash, 3 unescalated zset, 4 escalations stream. ARGV: 2 id, 3 now (ISO), 4 now ms.
 * Marking the item and appending the escalation happen in the same script: both or neither.
 */
export const ESCALATE_BODY = `
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[2])
  return 'unknown'
end
local h = redis.call('HMGET', KEYS[2], 'status', 'escalatedAt', 'kind', 'priority', 'dueAt', 'dueAtMs')
if h[1] ~= 'open' then
  redis.call('ZREM', KEYS[3], ARGV[2])
  return 'not-open'
end
if h[2] then
  redis.call('ZREM', KEYS[3], ARGV[2])
  return 'already-escalated'
end
redis.call('XADD', KEYS[4], '*', 'id', ARGV[2], 'kind', h[3], 'priority', h[4], 'dueAt', h[5],
  'escalatedAt', ARGV[3], 'overdueMs', tostring(tonumber(ARGV[4]) - tonumber(h[6])))
redis.call('HSET', KEYS[2], 'escalatedAt', ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[2])
return 'escalated'
`;

/** Not fenced. KEYS: 1 item hash, 2 open zset, 3 unescalated zset. ARGV: 1 id, 2 now (ISO). */
export const RESOLVE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
if redis.call('HGET', KEYS[1], 'status') == 'resolved' then return 'already-resolved' end
redis.call('HSET', KEYS[1], 'status', 'resolved', 'resolvedAt', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 'resolved'
`;
