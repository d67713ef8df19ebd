import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createCaptureLogger } from '../../test/support/capture-logger.js';
import { byMsg } from '../../test/support/log-lines.js';
import { RedisServer } from '../../test/support/redis-server.js';
import { fencedScript } from './fenced-script.js';
import { FencedWriter } from './fenced-writer.service.js';

const APPEND = fencedScript(`return redis.call('RPUSH', KEYS[2], ARGV[2])`);

describe(FencedWriter.name, () => {
  let server: RedisServer;
  let redis: Redis;
  let writer: FencedWriter;
  const { logger, logs } = createCaptureLogger();
  let n = 0;
  const keys = () => {
    n += 1;
    return { fence: `{f${n}}:fence`, list: `{f${n}}:list` };
  };

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
    writer = new FencedWriter(redis, logger);
  });

  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  it('accepts a first write (missing fence = 0), raises the fence and returns the body result', async () => {
    const k = keys();
    expect(await writer.run(APPEND, k.fence, 3, [k.list], ['x'])).toEqual({
      accepted: true,
      result: 1,
    });
    expect(await redis.get(k.fence)).toBe('3');
    expect(await redis.lrange(k.list, 0, -1)).toEqual(['x']);
  });

  it('accepts the same token again and a newer one', async () => {
    const k = keys();
    await writer.run(APPEND, k.fence, 3, [k.list], ['a']);
    expect((await writer.run(APPEND, k.fence, 3, [k.list], ['b'])).accepted).toBe(true);
    expect((await writer.run(APPEND, k.fence, 4, [k.list], ['c'])).accepted).toBe(true);
    expect(await redis.get(k.fence)).toBe('4');
    expect(await redis.lrange(k.list, 0, -1)).toEqual(['a', 'b', 'c']);
  });

  it('refuses an older token without running the body, and logs both tokens at warn', async () => {
    const k = keys();
    await writer.run(APPEND, k.fence, 7, [k.list], ['new']);
    const result = await writer.run(APPEND, k.fence, 6, [k.list], ['stale'], 'spec-task');
    expect(result).toEqual({ accepted: false, newestToken: 7 });
    expect(await redis.lrange(k.list, 0, -1)).toEqual(['new']);
    expect(await redis.get(k.fence)).toBe('7');
    const line = await logs.waitFor(byMsg('fenced write refused'));
    expect(line).toMatchObject({
      level: 40,
      task: 'spec-task',
      fenceKey: k.fence,
      fencingToken: 6,
      newestToken: 7,
    });
  });

  it('claim() fences out every older token before the new leader writes anything', async () => {
    const k = keys();
    await writer.run(APPEND, k.fence, 1, [k.list], ['old']);
    expect(await writer.claim(k.fence, 2)).toEqual({ accepted: true, result: undefined });
    expect(await writer.run(APPEND, k.fence, 1, [k.list], ['late'])).toEqual({
      accepted: false,
      newestToken: 2,
    });
    expect(await redis.lrange(k.list, 0, -1)).toEqual(['old']);
  });

  it('falls back to EVAL when Redis has forgotten the script', async () => {
    const k = keys();
    await writer.run(APPEND, k.fence, 1, [k.list], ['a']);
    await redis.script('FLUSH');
    expect((await writer.run(APPEND, k.fence, 1, [k.list], ['b'])).accepted).toBe(true);
    expect(await redis.lrange(k.list, 0, -1)).toEqual(['a', 'b']);
  });

  it('rejects a script that was not built with fencedScript()', async () => {
    const k = keys();
    await expect(writer.run('return 1', k.fence, 1, [], [])).rejects.toThrow(/fencedScript/);
  });
});
