// Boot-to-listening time of the built app: spawn dist/main.js N times (no Redis:
// embedded mode), time from spawn to the "worker listening" log line, and to the
// first 200 from /health/live. Writes bench/results/boot.json.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from './support.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_BOOT_RUNS ?? 10);

async function bootOnce() {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [resolve(ROOT, 'dist/main.js')], {
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  const listening = await new Promise((ok, fail) => {
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n')) {
        if (line.includes('"worker listening"'))
          return ok({ at: performance.now(), bootMs: JSON.parse(line).bootMs });
      }
    });
    child.once('exit', (code) => fail(new Error(`exited ${code}`)));
  });
  let liveAt;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/live`);
      if (res.status === 200) {
        liveAt = performance.now();
        break;
      }
    } catch {
      // not yet
    }
  }
  child.kill('SIGTERM');
  await new Promise((ok) => child.once('exit', ok));
  return {
    spawnToListeningMs: listening.at - started,
    inProcessBootMs: listening.bootMs,
    spawnToLiveMs: liveAt - started,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await bootOnce());
const summary = {
  runs: RUNS,
  spawnToListeningMs: {
    median: median(runs.map((r) => r.spawnToListeningMs)),
    max: Math.max(...runs.map((r) => r.spawnToListeningMs)),
  },
  inProcessBootMs: {
    median: median(runs.map((r) => r.inProcessBootMs)),
    max: Math.max(...runs.map((r) => r.inProcessBootMs)),
  },
  spawnToLiveMs: {
    median: median(runs.map((r) => r.spawnToLiveMs)),
    max: Math.max(...runs.map((r) => r.spawnToLiveMs)),
  },
  measuredAt: new Date().toISOString(),
  node: process.version,
};
for (const k of ['spawnToListeningMs', 'inProcessBootMs', 'spawnToLiveMs']) {
  summary[k].median = Math.round(summary[k].median);
  summary[k].max = Math.round(summary[k].max);
}
mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
writeFileSync(resolve(ROOT, 'bench/results/boot.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary, null, 2));
