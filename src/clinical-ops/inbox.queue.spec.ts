import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createCaptureLogger } from '../../test/support/capture-logger.js';
import { RedisServer } from '../../test/support/redis-server.js';
import { loadEnv } from '../config/load-env.js';
import { InMemoryStreams } from '../embedded/in-memory-streams.js';
import { RedisConnectionFactory } from '../redis/redis-connection.factory.js';
import type { InboxEntry, InboxQueue } from './inbox-queue.interface.js';
import { MemoryInboxQueue } from './memory-inbox.queue.js';
import { RedisInboxQueue } from './redis-inbox.queue.js';
import { ConfigService } from '@nestjs/config';

const STREAM = 'spec.inbox';
const GROUP = 'spec-group';

let server: RedisServer;
let redis: Redis;
let factory: RedisConnectionFactory;

beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
  const env = loadEnv({ REDIS_URL: server.url });
  factory = new RedisConnectionFactory(
    new ConfigService(env),
    createCaptureLogger('silent').logger,
  );
});

afterAll(async () => {
  await factory.onApplicationShutdown();
  await redis.quit();
  await server.stop();
});

const ids = (entries: InboxEntry[]): (string | undefined)[] => entries.map((e) => e.fields?.id);

const adapters: [string, () => Promise<InboxQueue>][] = [
  [
    'RedisInboxQueue',
    async () => {
      await redis.flushall();
      return new RedisInboxQueue(redis, factory, STREAM, GROUP, 5_000);
    },
  ],
  [
    'MemoryInboxQueue',
    () => Promise.resolve(new MemoryInboxQueue(new InMemoryStreams(), STREAM, GROUP)),
  ],
];

describe.each(adapters)('%s', (_name, make) => {
  let queue: InboxQueue;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    queue = await make();
    await queue.ensureGroup();
    await queue.ensureGroup(); // an existing group is fine
  });

  afterAll(async () => {
    await queue.closeReader();
  });

  it('reads new entries in order, and only once', async () => {
    for (const id of ['a', 'b', 'c']) await queue.append({ id });
    expect(await queue.stats()).toEqual({ length: 3, pending: 0, lag: 3 });
    expect(ids(await queue.readNew('me', 2, 100, signal))).toEqual(['a', 'b']);
    expect(ids(await queue.readNew('me', 10, 100, signal))).toEqual(['c']);
    expect(await queue.readNew('me', 10, 50, signal)).toEqual([]);
    expect(await queue.stats()).toEqual({ length: 3, pending: 3, lag: 0 });
  });

  it("takes over another consumer's pending entries and reads them again in order", async () => {
    for (const id of ['a', 'b', 'c']) await queue.append({ id });
    const read = await queue.readNew('dead', 10, 100, signal);
    await queue.ack([read[1].entryId]);
    expect(await queue.readPending('me', '0', 10)).toEqual([]);
    expect(await queue.takeOver('me')).toBe(2);
    const pending = await queue.readPending('me', '0', 10);
    expect(ids(pending)).toEqual(['a', 'c']);
    expect(ids(await queue.readPending('me', pending[0].entryId, 10))).toEqual(['c']);
    await queue.ack(pending.map((e) => e.entryId));
    expect(await queue.stats()).toEqual({ length: 3, pending: 0, lag: 0 });
  });

  it('dead-letters an entry, which is then acked', async () => {
    await queue.append({ id: 'bad', kind: 'x' });
    const [entry] = await queue.readNew('me', 1, 100, signal);
    await queue.deadLetter(entry, 'invalid inbox item: kind: wrong');
    await queue.ack([entry.entryId]);
    expect(await queue.stats()).toEqual({ length: 1, pending: 0, lag: 0 });
  });
});
