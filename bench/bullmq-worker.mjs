// One BullMQ Worker process for bench/poller.mjs. Args: redisUrl queue concurrency expected mode.
// mode "throughput": no-op jobs; prints { ms } from run() to the expected-th completion.
// mode "latency": prints { latencies } (job.data.t, the producer's wall time, to processor start).
import { Worker } from 'bullmq';

const [redisUrl, queue, concurrency, expected, mode] = process.argv.slice(2);
const wallNow = () => performance.timeOrigin + performance.now();
const url = new URL(redisUrl);
const latencies = [];
let completed = 0;

const worker = new Worker(
  queue,
  async (job) => {
    if (mode === 'latency') latencies.push(wallNow() - job.data.t);
  },
  {
    connection: { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null },
    concurrency: Number(concurrency),
    autorun: false,
    removeOnComplete: { count: 0 },
  },
);
await worker.waitUntilReady();
const done = new Promise((resolve) => {
  worker.on('completed', () => {
    if (++completed === Number(expected)) resolve();
  });
});
process.stdout.write(JSON.stringify({ ready: true }) + '\n');
const started = performance.now();
void worker.run();
await done;
const ms = performance.now() - started;
await worker.close();
process.stdout.write(
  JSON.stringify({ ms, latencies: mode === 'latency' ? latencies : undefined }) + '\n',
);
process.exit(0);
