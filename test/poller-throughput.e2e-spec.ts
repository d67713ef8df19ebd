import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { AppProcess } from './support/app-process.js';
import { byMsg } from './support/log-lines.js';
import {
  addMessages,
  handledCount,
  pendingByConsumer,
  spawnWorker,
  STREAM,
  waitForAllHandled,
} from './support/poller-helpers.js';
import { RedisServer } from './support/redis-server.js';
import { waitUntil } from './support/wait-until.js';

describe('MessagePoller with two worker processes', () => {
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

  it('handles 10,000 messages: every id at least once, all acked, none dead-lettered', async () => {
    workers.push(await spawnWorker(server.url, 'w1'), await spawnWorker(server.url, 'w2'));
    await addMessages(redis, 10_000, 'm');

    const result = await waitForAllHandled(redis, 10_000, 90_000);

    console.log(`10,000 messages through two workers: ${result.duplicates} duplicate handlings`);
    expect(result.handled).toBe(10_000);
    expect(result.duplicates).toBeGreaterThanOrEqual(0);
    expect(await redis.xlen(`${STREAM}.dlq`)).toBe(0);
    for (const worker of workers) expect(worker.running).toBe(true);
  });

  it("reclaims a SIGKILLed worker's pending messages on the other worker; none lost", async () => {
    const env = {
      RECORDING_DELAY_MS: '10',
      POLLER_CONCURRENCY: '10',
      POLLER_BATCH_SIZE: '50',
      POLLER_VISIBILITY_TIMEOUT_MS: '1500',
      POLLER_CLAIM_INTERVAL_MS: '500',
    };
    const victim = await spawnWorker(server.url, 'victim', env);
    const survivor = await spawnWorker(server.url, 'survivor', env);
    workers.push(victim, survivor);
    await addMessages(redis, 3_000, 'k');

    // Kill the victim while it holds delivered, un-acked messages.
    await waitUntil(async () => ((await pendingByConsumer(redis)).victim ?? 0) > 0, {
      what: 'victim holding pending messages',
    });
    victim.signal('SIGKILL');
    await victim.exited;
    const handledAtKill = await handledCount(redis);
    expect(handledAtKill).toBeLessThan(3_000);

    const result = await waitForAllHandled(redis, 3_000, 60_000);
    console.log(`SIGKILL mid-stream: ${result.duplicates} duplicate handlings after reclaim`);
    expect(result.handled).toBe(3_000);
    await survivor.logs.waitFor(byMsg('reclaimed idle pending entries'), 1_000);
    expect(await redis.xlen(`${STREAM}.dlq`)).toBe(0);
  });
});
