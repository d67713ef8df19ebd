/**
 * Wraps a Lua body with the fencing check. Convention: KEYS[1] = fence key,
 * ARGV[1] = token; the body uses KEYS[2..] and ARGV[2..] (keep them in the
 * fence key's hash slot on Redis Cluster).
 *
 * The write is accepted iff the token is >= the number stored at the fence key
 * (missing = 0); the fence key is then set to the token, so any older token is
 * refused from now on. Replies {'ok', <body's result>} or, without running the
 * body, {'fenced', <newest token>}. A body that raises an error after the fence
 * was raised leaves the fence raised (Redis does not roll scripts back).
 */
export function fencedScript(body: string): string {
  return `
local fence = tonumber(redis.call('GET', KEYS[1]) or '0')
local token = tonumber(ARGV[1])
if token == nil then return redis.error_reply('fencing token (ARGV[1]) is not a number') end
if token < fence then return { 'fenced', fence } end
if token > fence then redis.call('SET', KEYS[1], ARGV[1]) end
local result = (function()
${body}
end)()
return { 'ok', result }
`;
}
