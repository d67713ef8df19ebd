// Clinical-ops throughput: one real process of the built app (leader of its own
// private redis-server) files a pre-loaded inbox and escalates every item.
// Run: npm run build && node bench/clinical-ops.mjs. Env: BENCH_ITEMS (default 20000).
// Writes bench/results/clinical-ops.json and prints the figures.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, startRedis } from './support.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ITEMS = Number(process.env.BENCH_ITEMS ?? 20_000);
const INBOX = 'clinical-ops.inbox';
const PRIORITIES = ['stat', 'urgent', 'routine'];

/** Polls `probe` every 20 ms; returns ms since `from` when it holds. */
async function until(probe, from, timeoutMs = 300_000) {
  while (performance.now() - from < timeoutMs) {
    if (await probe()) return performance.now() - from;
    await sleep(20);
  }
  throw new Error('timed out');
}

const redisServer = await startRedis();
const redis = new Redis(redisServer.url);
let app;
try {
  for (let from = 0; from < ITEMS; from += 5_000) {
    const pipeline = redis.pipeline();
    for (let i = from; i < Math.min(ITEMS, from + 5_000); i += 1) {
      pipeline.xadd(
        INBOX,
        '*',
        'id',
        `bench-${i}`,
        'kind',
        'lab-result',
        'priority',
        PRIORITIES[i % 3],
        'patientRef',
        `p-${i}`,
        'receivedAt',
        new Date().toISOString(),
        'payload',
        '{"value":1}',
      );
    }
    await pipeline.exec();
  }

  const started = performance.now();
  app = spawn(process.execPath, [resolve(ROOT, 'dist/main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      REDIS_URL: redisServer.url,
      INSTANCE_ID: 'bench-1',
      SLA_STAT_MS: '1',
      SLA_URGENT_MS: '1',
      SLA_ROUTINE_MS: '1',
      CLINICAL_OPS_SWEEP_INTERVAL_MS: '250',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const filedMs = await until(
    async () => (await redis.zcard('{clinical-ops}:open')) >= ITEMS,
    started,
  );
  const escalatedMs = await until(
    async () => (await redis.xlen('clinical-ops.escalations')) >= ITEMS,
    started,
  );
  const escalations = await redis.xlen('clinical-ops.escalations');
  const result = {
    measuredAt: new Date().toISOString(),
    items: ITEMS,
    fromSpawnToAllFiledMs: Math.round(filedMs),
    fromSpawnToAllEscalatedMs: Math.round(escalatedMs),
    escalationsWritten: escalations,
    note: 'includes process boot and leader election (~1 s); one item per fenced EVAL, in order',
  };
  await mkdir(resolve(ROOT, 'bench/results'), { recursive: true });
  await writeFile(
    resolve(ROOT, 'bench/results/clinical-ops.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(result);
} finally {
  app?.kill('SIGKILL');
  if (app) await once(app, 'exit');
  redis.disconnect();
  redisServer.child.kill('SIGKILL');
}
