/**
 * Lua scripts of the Redis adapter. XREADGROUP, XCLAIM and XAUTOCLAIM do not
 * return delivery counts; each script claims and reads the counts from the
 * PEL in one atomic step, so a count always matches the delivery it belongs to.
 */

/** KEYS: stream. ARGV: group, consumer, start (exclusive "(id" or "-"), count. */
export const READ_OWN_PENDING = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], '+', tonumber(ARGV[4]), ARGV[2])
if #pending == 0 then return {{}, {}, ''} end
local ids, counts = {}, {}
for i, p in ipairs(pending) do ids[i] = p[1]; counts[p[1]] = p[4] end
local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, unpack(ids))
local out = {}
for i, e in ipairs(claimed) do out[i] = (counts[e[1]] or 0) + 1 end
return {claimed, out, pending[#pending][1]}
`;

const COUNTS_OF = `
local function counts_of(stream, group, entries)
  local counts = {}
  for i, e in ipairs(entries) do
    local p = redis.call('XPENDING', stream, group, e[1], e[1], 1)
    counts[i] = (p[1] and p[1][4]) or 1
  end
  return counts
end
`;

/** KEYS: stream. ARGV: group, consumer, minIdleMs, id... */
export const CLAIM = `${COUNTS_OF}
local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], unpack(ARGV, 4))
return {claimed, counts_of(KEYS[1], ARGV[1], claimed)}
`;

/** KEYS: stream. ARGV: group, consumer, minIdleMs, cursor, count. */
export const AUTOCLAIM = `${COUNTS_OF}
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
return {r[1], r[2], counts_of(KEYS[1], ARGV[1], r[2])}
`;

/** KEYS: stream, dead-letter stream. ARGV: group, entryId, field, value, ... */
export const DEAD_LETTER = `
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
`;
