import { Redis } from 'ioredis';
import { AppProcess } from './app-process.js';
import { byMsg } from './log-lines.js';
import { waitUntil } from './wait-until.js';

export const STREAM = 'messages.inbound';
export const GROUP = 'workers';
export const RECORDING_ENTRY = 'test/fixtures/app-with-recording-handler.mjs';

/** A worker process of the recording fixture, resolved once its poller consumes. */
export async function spawnWorker(
  redisUrl: string,
  instanceId: string,
  env: Record<string, string> = {},
): Promise<AppProcess> {
  const app = await AppProcess.spawn({
    entry: RECORDING_ENTRY,
    env: { REDIS_URL: redisUrl, INSTANCE_ID: instanceId, LOG_LEVEL: 'info', ...env },
  });
  await app.logs.waitFor(byMsg('message poller consuming'), 20_000, 'poller consuming');
  return app;
}

/** XADDs `count` test messages of `type`, ids `${prefix}-<n>`, pipelined. */
export async function addMessages(
  redis: Redis,
  count: number,
  prefix: string,
  type = 'test.record',
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1_000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(count, start + 1_000); i++) {
      const id = `${prefix}-${i}`;
      ids.push(id);
      pipeline.xadd(STREAM, '*', 'type', type, 'payload', '{}', 'id', id);
    }
    await pipeline.exec();
  }
  return ids;
}

export async function pendingCount(redis: Redis): Promise<number> {
  const summary = (await redis.xpending(STREAM, GROUP)) as [number, ...unknown[]];
  return Number(summary[0]);
}

/** Pending entries per consumer. */
export async function pendingByConsumer(redis: Redis): Promise<Record<string, number>> {
  const summary = (await redis.xpending(STREAM, GROUP)) as [
    number,
    string,
    string,
    [string, string][] | null,
  ];
  return Object.fromEntries((summary[3] ?? []).map(([name, n]) => [name, Number(n)]));
}

/** Waits until `expected` distinct ids were handled and nothing is pending. */
export async function waitForAllHandled(
  redis: Redis,
  expected: number,
  timeoutMs = 60_000,
): Promise<{ handled: number; handlings: number; duplicates: number }> {
  await waitUntil(
    async () =>
      (await redis.scard('test:handled')) >= expected && (await pendingCount(redis)) === 0,
    { timeoutMs, intervalMs: 200, what: `${expected} handled ids and an empty PEL` },
  );
  const handled = await redis.scard('test:handled');
  const handlings = Number(await redis.get('test:handled:count'));
  return { handled, handlings, duplicates: handlings - handled };
}

export async function handledCount(redis: Redis): Promise<number> {
  return redis.scard('test:handled');
}
