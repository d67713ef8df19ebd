import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { DeadLetterStore } from '../src/admin/dead-letter-store.interface.js';
import { InMemoryDeadLetterStore } from '../src/admin/in-memory-dead-letter.store.js';
import { RedisDeadLetterStore } from '../src/admin/redis-dead-letter.store.js';
import { InMemoryStreams } from '../src/embedded/in-memory-streams.js';
import { RedisServer } from './support/redis-server.js';

/** What the contract needs of each backend: write a raw entry, read a stream back. */
interface Harness {
  store: DeadLetterStore;
  add(stream: string, fields: Record<string, string>): Promise<string>;
  read(stream: string): Promise<{ id: string; fields: Record<string, string> }[]>;
}

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url, { lazyConnect: true });
  await redis.connect();
});

afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});

/** Each factory starts from empty streams. */
const harnesses: [string, () => Promise<Harness>][] = [
  [
    'redis',
    async () => {
      await redis.flushall();
      return {
        store: new RedisDeadLetterStore(redis),
        add: async (stream, fields) =>
          (await redis.xadd(stream, '*', ...Object.entries(fields).flat()))!,
        read: async (stream) =>
          (await redis.xrange(stream, '-', '+')).map(([id, flat]) => ({
            id,
            fields: Object.fromEntries(
              flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]]] : [])),
            ),
          })),
      };
    },
  ],
  [
    'in-memory',
    async () => {
      const memory = new InMemoryStreams();
      return {
        store: new InMemoryDeadLetterStore(memory),
        add: async (stream, fields) => memory.add(stream, fields),
        read: async (stream) =>
          memory.range(stream).map((e) => ({ id: e.id, fields: { ...e.fields } })),
      };
    },
  ],
];

const DEAD = {
  reason: 'no-handler',
  deliveries: '1',
  error: 'no handler for type "x-ray"',
  originalId: '1700000000000-0',
  deadLetteredAt: '2026-12-03T03:00:00.000Z',
};

describe.each(harnesses)('DeadLetterStore contract: %s', (_backend, make) => {
  let h: Harness;
  beforeEach(async () => {
    h = await make();
  });

  it('lists in id order, paged by cursor, with the dead-letter fields apart from the original ones', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 5; n += 1) {
      ids.push(await h.add('s.dlq', { type: 'x-ray', payload: `{"n":${n}}`, ...DEAD }));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.store.list('s', { limit: 2, cursor });
      expect(page.total).toBe(5);
      expect(page.deadLetterStream).toBe('s.dlq');
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    const [first] = (await h.store.list('s', { limit: 1 })).entries;
    expect(first).toEqual({
      id: ids[0],
      originalId: DEAD.originalId,
      reason: 'no-handler',
      deliveries: 1,
      error: DEAD.error,
      deadLetteredAt: DEAD.deadLetteredAt,
      fields: { type: 'x-ray', payload: '{"n":0}' },
    });
    expect(await h.store.count('s')).toBe(5);
  });

  it('answers an empty page and zero for a stream with no dead letters', async () => {
    expect(await h.store.list('nothing', { limit: 10 })).toMatchObject({
      total: 0,
      entries: [],
      nextCursor: null,
    });
    expect(await h.store.count('nothing')).toBe(0);
  });

  it('redrives named ids with only their original fields, reports missing ones, and does not redrive twice', async () => {
    const a = await h.add('s.dlq', { type: 'x-ray', payload: '{"a":1}', ...DEAD });
    const b = await h.add('s.dlq', { type: 'x-ray', payload: '{"b":1}', ...DEAD });
    const result = await h.store.redrive('s', [b, '1-1']);
    expect(result.redriven.map((r) => r.id)).toEqual([b]);
    expect(result.missing).toEqual(['1-1']);
    expect(await h.read('s')).toEqual([
      { id: result.redriven[0].newId, fields: { type: 'x-ray', payload: '{"b":1}' } },
    ]);
    expect((await h.read('s.dlq')).map((e) => e.id)).toEqual([a]);
    const again = await h.store.redrive('s', [b]);
    expect(again).toMatchObject({ redriven: [], missing: [b] });
  });

  it('redrives everything when no ids are given, in order', async () => {
    for (let n = 0; n < 3; n += 1) await h.add('s.dlq', { type: 't', payload: String(n), ...DEAD });
    const result = await h.store.redrive('s');
    expect(result.redriven).toHaveLength(3);
    expect((await h.read('s')).map((e) => e.fields.payload)).toEqual(['0', '1', '2']);
    expect(await h.store.count('s')).toBe(0);
  });

  it('leaves an entry that holds only dead-letter fields in place', async () => {
    const id = await h.add('s.dlq', { ...DEAD });
    const result = await h.store.redrive('s');
    expect(result).toMatchObject({ redriven: [], unredrivable: [id] });
    expect(await h.store.count('s')).toBe(1);
    expect(await h.read('s')).toEqual([]);
  });
});
