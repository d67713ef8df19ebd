import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createCaptureLogger } from '../../test/support/capture-logger.js';
import { RedisServer } from '../../test/support/redis-server.js';
import { FencedWriter } from '../leader/fenced-writer.service.js';
import { MemoryWorklistStore } from './memory-worklist.store.js';
import { RedisWorklistStore } from './redis-worklist.store.js';
import type { NewWorklistItem, WorklistStore } from './worklist.interface.js';

const STREAM = 'test.escalations';
const T0 = Date.parse('2026-12-03T10:00:00.000Z');

function item(
  id: string,
  dueOffsetMs: number,
  priority: NewWorklistItem['priority'] = 'stat',
): NewWorklistItem {
  return {
    id,
    kind: 'lab-result',
    priority,
    patientRef: 'patient-secret',
    receivedAt: T0,
    dueAt: T0 + dueOffsetMs,
    payload: { note: 'secret' },
    entryId: '1-0',
  };
}

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
});

afterAll(async () => {
  await redis.quit();
  await server.stop();
});

const adapters: [
  string,
  () => Promise<{ store: WorklistStore; escalations: () => Promise<string[]> }>,
][] = [
  [
    'RedisWorklistStore',
    async () => {
      await redis.flushall();
      return {
        store: new RedisWorklistStore(redis, new FencedWriter(redis, createCaptureLogger().logger)),
        escalations: async () =>
          (await redis.xrange(STREAM, '-', '+')).map(
            ([, fields]) => fields[fields.indexOf('id') + 1],
          ),
      };
    },
  ],
  [
    'MemoryWorklistStore',
    () => {
      const store = new MemoryWorklistStore();
      return Promise.resolve({
        store,
        escalations: () => Promise.resolve(store.escalations.map((e) => e.id)),
      });
    },
  ],
];

describe.each(adapters)('%s', (_name, make) => {
  let store: WorklistStore;
  let escalations: () => Promise<string[]>;

  beforeEach(async () => {
    ({ store, escalations } = await make());
  });

  it('files an item once per id and lists open items soonest due first', async () => {
    expect(await store.file(item('b', 2_000), 1)).toEqual({ accepted: true, result: 'filed' });
    expect(await store.file(item('a', 1_000), 1)).toEqual({ accepted: true, result: 'filed' });
    expect(await store.file(item('a', 5_000), 1)).toEqual({ accepted: true, result: 'duplicate' });
    const page = await store.list(0, 10);
    expect(page.items.map((i) => i.id)).toEqual(['a', 'b']);
    expect(page.items[0].dueAt).toBe(new Date(T0 + 1_000).toISOString());
    expect(page.total).toBe(2);
    expect(JSON.stringify(page)).not.toMatch(/secret/);
  });

  it('pages with an offset cursor', async () => {
    for (let i = 0; i < 5; i += 1) await store.file(item(`i${i}`, i * 10), 1);
    const first = await store.list(0, 2);
    expect(first.items.map((i) => i.id)).toEqual(['i0', 'i1']);
    expect(first.nextCursor).toBe('2');
    const last = await store.list(4, 2);
    expect(last.items.map((i) => i.id)).toEqual(['i4']);
    expect(last.nextCursor).toBeNull();
  });

  it('refuses writes with a token older than the newest one that wrote', async () => {
    expect(await store.claim(5)).toEqual({ accepted: true, result: null });
    expect(await store.file(item('x', 0), 4)).toEqual({ accepted: false, newestToken: 5 });
    expect(await store.escalate('x', 4, { now: T0, stream: STREAM })).toEqual({
      accepted: false,
      newestToken: 5,
    });
    expect(await store.get('x')).toBeNull();
    expect(await store.file(item('x', 0), 6)).toEqual({ accepted: true, result: 'filed' });
    expect(await store.claim(5)).toEqual({ accepted: false, newestToken: 6 });
  });

  it('escalates an overdue item exactly once, whatever the number of attempts and tokens', async () => {
    await store.file(item('due', 0), 1);
    await store.file(item('later', 60_000), 1);
    expect(await store.dueForEscalation(T0 + 1, 0, 10)).toEqual(['due']);
    const first = await store.escalate('due', 1, { now: T0 + 1, stream: STREAM });
    const again = await store.escalate('due', 1, { now: T0 + 2, stream: STREAM });
    const newLeader = await store.escalate('due', 2, { now: T0 + 3, stream: STREAM });
    expect([first, again, newLeader]).toEqual([
      { accepted: true, result: 'escalated' },
      { accepted: true, result: 'already-escalated' },
      { accepted: true, result: 'already-escalated' },
    ]);
    expect(await escalations()).toEqual(['due']);
    expect(await store.dueForEscalation(T0 + 1, 0, 10)).toEqual([]);
    expect(await store.get('due')).toMatchObject({
      escalated: true,
      escalatedAt: new Date(T0 + 1).toISOString(),
    });
    expect(await store.counts(T0 + 1)).toEqual({ open: 2, overdue: 1 });
  });

  it('resolves idempotently, takes the item off the worklist and never escalates it', async () => {
    await store.file(item('r', 0), 1);
    expect(await store.resolve('r', T0)).toMatchObject({
      outcome: 'resolved',
      item: { status: 'resolved' },
    });
    expect(await store.resolve('r', T0 + 5)).toMatchObject({
      outcome: 'already-resolved',
      item: { resolvedAt: new Date(T0).toISOString() },
    });
    expect(await store.resolve('nope', T0)).toEqual({ outcome: 'unknown' });
    expect((await store.list(0, 10)).total).toBe(0);
    expect(await store.escalate('r', 1, { now: T0 + 10, stream: STREAM })).toEqual({
      accepted: true,
      result: 'not-open',
    });
    expect(await escalations()).toEqual([]);
  });

  it('counts open and overdue items per priority, leaving resolved ones out', async () => {
    await store.file(item('s1', 0, 'stat'), 1);
    await store.file(item('s2', 60_000, 'stat'), 1);
    await store.file(item('u1', 0, 'urgent'), 1);
    await store.file(item('gone', 0, 'routine'), 1);
    await store.resolve('gone', T0);
    expect(await store.countsByPriority(T0 + 1)).toEqual({
      stat: { open: 2, overdue: 1 },
      urgent: { open: 1, overdue: 1 },
      routine: { open: 0, overdue: 0 },
    });
  });
});
