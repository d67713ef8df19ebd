import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { InMemoryStreams } from '../src/embedded/in-memory-streams.js';
import { InMemoryMessageStream } from '../src/poller/in-memory-message-stream.js';
import type { MessageStream } from '../src/poller/message-stream.interface.js';
import { RedisMessageStream } from '../src/poller/redis-message-stream.js';
import { RedisServer } from './support/redis-server.js';

const names = { stream: 'contract', group: 'g', consumer: 'c1' };
const never = new AbortController().signal;

let server: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await server.stop();
});

let streamNo = 0;
const adapters: [string, () => Promise<MessageStream>][] = [
  [
    'InMemoryMessageStream',
    async () => {
      const stream = new InMemoryMessageStream(new InMemoryStreams(), names);
      await stream.ensureGroup();
      return stream;
    },
  ],
  [
    'RedisMessageStream',
    async () => {
      const command = new Redis(server.url);
      const blocking = new Redis(server.url);
      clients.push(command, blocking);
      const stream = new RedisMessageStream(command, blocking, {
        ...names,
        stream: `contract-${++streamNo}`,
        readGraceMs: 2_000,
        connectTimeoutMs: 2_000,
      });
      await stream.ensureGroup();
      return stream;
    },
  ],
];

describe.each(adapters)('MessageStream contract: %s', (_name, make) => {
  it('delivers new entries once, with delivery count 1', async () => {
    const stream = await make();
    const id = await stream.append({ type: 't', payload: '{}' });
    const [entry] = await stream.readNew(10, 50, never);
    expect(entry).toEqual({ entryId: id, fields: { type: 't', payload: '{}' }, deliveryCount: 1 });
    expect(await stream.readNew(10, 20, never)).toEqual([]);
    expect((await stream.lag(never)).pending).toBe(1);
  });

  it('wakes a blocked read when an entry is appended', async () => {
    const stream = await make();
    const read = stream.readNew(10, 5_000, never);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await stream.append({ type: 't', payload: '{}' });
    expect(await read).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('returns at once from a blocked read when the signal aborts', async () => {
    const stream = await make();
    const controller = new AbortController();
    const read = stream.readNew(10, 10_000, controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect(await read).toEqual([]);
  });

  it('redelivers own pending entries and claims with a growing delivery count', async () => {
    const stream = await make();
    const a = await stream.append({ type: 't', payload: '{}' });
    const b = await stream.append({ type: 't', payload: '{}' });
    await stream.readNew(10, 50, never);

    const page = await stream.readOwnPending('0-0', 10);
    expect(page.entries.map((e) => [e.entryId, e.deliveryCount])).toEqual([
      [a, 2],
      [b, 2],
    ]);
    expect(page.cursor).toBe(b);
    expect((await stream.readOwnPending(page.cursor, 10)).entries).toEqual([]);

    expect(await stream.claim([a], 60_000)).toEqual([]);
    const [claimed] = await stream.claim([a], 0);
    expect(claimed.deliveryCount).toBe(3);

    expect((await stream.claimIdle(60_000, '0-0', 10)).entries).toEqual([]);
    const idle = await stream.claimIdle(0, '0-0', 10);
    expect(idle.cursor).toBe('0-0');
    expect(idle.entries.map((e) => [e.entryId, e.deliveryCount])).toEqual([
      [a, 4],
      [b, 3],
    ]);
  });

  it('acks, and dead-letters with the reason while acking', async () => {
    const stream = await make();
    const a = await stream.append({ type: 't', payload: '{}', id: 'x' });
    const b = await stream.append({ type: 't', payload: '{}' });
    const [ea, eb] = await stream.readNew(10, 50, never);
    expect(await stream.deadLetterCount(never)).toBe(0);
    await stream.ack([a]);
    await stream.deadLetter(eb, {
      reason: 'because',
      deliveryCount: 1,
      lastError: 'boom',
      consumer: 'c1',
    });
    expect(ea.entryId).toBe(a);
    expect(eb.entryId).toBe(b);
    expect((await stream.lag(never)).pending).toBe(0);
    expect((await stream.readOwnPending('0-0', 10)).entries).toEqual([]);
    expect(await stream.deadLetterCount(never)).toBe(1);
  });
});
