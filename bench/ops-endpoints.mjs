// Latency and size of GET /metrics and GET /status on the built app with 20
// tasks (bench/fixtures/many-tasks.mjs, embedded mode): N sequential requests
// each after a warm-up. Writes bench/results/ops-endpoints.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const N = Number(process.env.BENCH_OPS_REQUESTS ?? 300);

const port = await new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => ok(port));
  });
});
const child = spawn(process.execPath, [resolve(ROOT, 'bench/fixtures/many-tasks.mjs')], {
  env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (;;) {
  try {
    if ((await fetch(`${base}/health/live`)).status === 200) break;
  } catch {
    // not listening yet
  }
  await new Promise((r) => setTimeout(r, 50));
}

const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
async function measure(path) {
  for (let i = 0; i < 20; i += 1) await (await fetch(`${base}${path}`)).text();
  const times = [];
  let bytes = 0;
  for (let i = 0; i < N; i += 1) {
    const t0 = performance.now();
    const body = await (await fetch(`${base}${path}`)).text();
    times.push(performance.now() - t0);
    bytes = body.length;
  }
  const round = (x) => Math.round(x * 100) / 100;
  return {
    path,
    requests: N,
    p50Ms: round(pct(times, 50)),
    p99Ms: round(pct(times, 99)),
    maxMs: round(Math.max(...times)),
    bytes,
  };
}

const results = { tasks: 20, metrics: await measure('/metrics'), status: await measure('/status') };
child.kill('SIGTERM');
await new Promise((ok) => child.once('exit', ok));
mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
writeFileSync(
  resolve(ROOT, 'bench/results/ops-endpoints.json'),
  `${JSON.stringify(results, null, 2)}\n`,
);
console.log(JSON.stringify(results, null, 2));
