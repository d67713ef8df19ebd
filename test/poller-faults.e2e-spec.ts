import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { AppProcess } from './support/app-process.js';
import { request } from './support/http.js';
import { byMsg } from './support/log-lines.js';
import {
  addMessages,
  handledCount,
  pendingCount,
  spawnWorker,
  waitForAllHandled,
} from './support/poller-helpers.js';
import { RedisServer } from './support/redis-server.js';
import { waitUntil } from './support/wait-until.js';

describe('MessagePoller under faults', () => {
  let server: RedisServer;
  let redis: Redis;
  const workers: AppProcess[] = [];

  beforeEach(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
    redis.disconnect();
    await server.stop();
  });

  it('survives redis-server stopped (SIGSTOP) for 5 s mid-stream: none lost, live throughout', async () => {
    const worker = await spawnWorker(server.url, 'w1', {
      RECORDING_DELAY_MS: '2',
      POLLER_CONCURRENCY: '4',
      POLLER_BATCH_SIZE: '20',
      POLLER_BLOCK_MS: '500',
      POLLER_RETRY_BACKOFF_MS: '200',
      POLLER_VISIBILITY_TIMEOUT_MS: '3000',
      POLLER_CLAIM_INTERVAL_MS: '1000',
    });
    workers.push(worker);
    await addMessages(redis, 1_000, 'a');
    await waitUntil(async () => (await handledCount(redis)) >= 100, { what: '100 handled' });

    server.pause();
    const pausedUntil = Date.now() + 5_000;
    let liveProbes = 0;
    while (Date.now() < pausedUntil) {
      const live = await request(`${worker.baseUrl}/health/live`, { timeoutMs: 2_000 });
      expect(live.status).toBe(200);
      liveProbes++;
      await sleep(250);
    }
    server.resume();
    expect(liveProbes).toBeGreaterThan(5);
    expect(worker.running).toBe(true);

    await addMessages(redis, 1_000, 'b');
    const result = await waitForAllHandled(redis, 2_000, 60_000);
    console.log(`SIGSTOP 5 s: ${result.duplicates} duplicate handlings`);
    expect(result.handled).toBe(2_000);
    await worker.logs.waitFor(byMsg('stream reachable again; the poller resumes'), 1_000);
    expect(await redis.xlen('messages.inbound.dlq')).toBe(0);
    expect(worker.running).toBe(true);
    expect((await request(`${worker.baseUrl}/health/live`)).status).toBe(200);
  });

  it('comes back after redis-server restarts empty: recreates the group, loses nothing new', async () => {
    const worker = await spawnWorker(server.url, 'w1', { POLLER_BLOCK_MS: '500' });
    workers.push(worker);
    await addMessages(redis, 100, 'before');
    await waitForAllHandled(redis, 100);

    await server.restart();
    // Appended while the worker has not noticed yet: the group is recreated from the start.
    await addMessages(redis, 100, 'after');
    await worker.logs.waitFor(byMsg('consumer group missing'), 20_000);
    const result = await waitForAllHandled(redis, 100);
    expect(result.handled).toBe(100);
    expect(await redis.sismember('test:handled', 'after-99')).toBe(1);
    expect(worker.running).toBe(true);
  });

  it('exits 0 on SIGTERM during processing; every message acked or still pending', async () => {
    const env = {
      RECORDING_DELAY_MS: '300',
      POLLER_CONCURRENCY: '8',
      POLLER_BATCH_SIZE: '16',
    };
    const first = await spawnWorker(server.url, 'w1', env);
    workers.push(first);
    const ids = await addMessages(redis, 200, 't');
    await waitUntil(async () => (await handledCount(redis)) >= 10, { what: '10 handled' });

    first.signal('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    await first.logs.waitFor(byMsg('all background tasks stopped'), 1_000);
    await first.logs.waitFor(byMsg('shutdown complete'), 1_000);
    const handledAtExit = await handledCount(redis);
    expect(handledAtExit).toBeLessThan(ids.length);
    // Everything handled before the exit was acked: what is pending was not handled.
    const pending = await pendingCount(redis);
    const handledIds = new Set(await redis.smembers('test:handled'));
    const pendingEntries = (await redis.xpending(
      'messages.inbound',
      'workers',
      '-',
      '+',
      1_000,
    )) as [string][];
    const pendingIds = await Promise.all(
      pendingEntries.map(async ([entryId]) => {
        const [entry] = await redis.xrange('messages.inbound', entryId, entryId);
        return entry[1][entry[1].indexOf('id') + 1];
      }),
    );
    expect(pendingIds.filter((id) => handledIds.has(id))).toEqual([]);
    expect(pending).toBe(pendingIds.length);

    // The same consumer comes back, drains its own pending entries first, then the rest.
    workers.push(await spawnWorker(server.url, 'w1', { ...env, RECORDING_DELAY_MS: '0' }));
    const result = await waitForAllHandled(redis, ids.length);
    expect(result.handled).toBe(ids.length);
    expect(result.duplicates).toBe(0);
  });
});
