import type { Redis } from 'ioredis';
import type { FencedOutcome } from './worklist.interface.js';

/**
 * Same contract as the leader module's fencedScript()/FencedWriter (issue 3):
 * KEYS[1] = fence key, ARGV[1] = token; the body uses KEYS[2..], ARGV[2..].
 * Accepted iff token >= the number stored at the fence key (missing = 0); then
 * the fence is set to the token and the body runs. Kept here until the leader
 * module's helper is on this branch.
 */
export function fencedScript(body: string): string {
  return `
local newest = tonumber(redis.call('GET', KEYS[1]) or '0')
local token = tonumber(ARGV[1])
if token < newest then return {'fenced', tostring(newest)} end
redis.call('SET', KEYS[1], ARGV[1])
local function body()
${body}
end
return {'ok', body()}
`;
}

export async function runFenced<T>(
  redis: Redis,
  script: string,
  fenceKey: string,
  token: number,
  keys: string[],
  args: (string | number)[],
): Promise<FencedOutcome<T>> {
  const reply = (await redis.eval(
    script,
    keys.length + 1,
    fenceKey,
    ...keys,
    String(token),
    ...args.map(String),
  )) as [string, unknown];
  if (reply[0] === 'ok') return { accepted: true, result: reply[1] as T };
  return { accepted: false, newestToken: Number(reply[1]) };
}
