// Failover benchmark: time from a signal to the leader until another instance's
// leader-only task runs, over real processes and a private redis-server.
// Run: npm run bench:failover (builds first). Env: BENCH_TRIALS (default 10 per kind),
// and any LEADER_* variable to bench other timings (default: the production defaults).
// Writes bench/results/failover.json and prints a table.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startRedis } from './support.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = resolve(ROOT, 'test/fixtures/app-with-leader-probe.mjs');
const TRIALS = Number(process.env.BENCH_TRIALS ?? 10);
const TIMINGS = {
  LEADER_LEASE_MS: process.env.LEADER_LEASE_MS ?? '10000',
  LEADER_RENEW_INTERVAL_MS: process.env.LEADER_RENEW_INTERVAL_MS ?? '2000',
  LEADER_RENEW_DEADLINE_MS: process.env.LEADER_RENEW_DEADLINE_MS ?? '7000',
  LEADER_RETRY_INTERVAL_MS: process.env.LEADER_RETRY_INTERVAL_MS ?? '1000',
};
const LEASE_MS = Number(TIMINGS.LEADER_LEASE_MS);
const RETRY_MS = Number(TIMINGS.LEADER_RETRY_INTERVAL_MS);
const INSTANCES = 3;

/** A child process whose JSON log lines can be awaited. */
class Proc {
  constructor(name, child) {
    this.name = name;
    this.child = child;
    this.lines = [];
    this.waiters = new Set();
    this.exited = once(child, 'exit');
    let partial = '';
    child.stdout.on('data', (chunk) => {
      partial += chunk.toString();
      let newline;
      while ((newline = partial.indexOf('\n')) >= 0) {
        const text = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        let line;
        try {
          line = JSON.parse(text);
        } catch {
          line = { msg: text };
        }
        this.lines.push(line);
        for (const waiter of this.waiters) waiter(line);
      }
    });
    child.stderr.resume();
  }

  waitFor(predicate, timeoutMs, what) {
    const seen = this.lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((done, fail) => {
      const waiter = (line) => {
        if (!predicate(line)) return;
        cleanup();
        done(line);
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`${this.name}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get isLeader() {
    const last = this.lines.findLast(
      (l) =>
        l.component === 'leader' &&
        (l.msg === 'leadership acquired' || l.msg === 'leadership lost'),
    );
    return this.running && last?.msg === 'leadership acquired';
  }
}

let spawned = 0;
async function startInstance(redisUrl) {
  const name = `bench-${++spawned}`;
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      REDIS_URL: redisUrl,
      INSTANCE_ID: name,
      ...TIMINGS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = new Proc(name, child);
  await proc.waitFor((l) => l.msg === 'worker listening', 30_000, '"worker listening"');
  return proc;
}

const isProbeRunning = (sinceNs) => (l) =>
  l.task === 'leader-probe' && l.msg === 'leader probe running' && BigInt(l.monoNs) > sinceNs;

async function waitForLeader(procs, sinceNs, timeoutMs) {
  return Promise.any(
    procs.map((p) =>
      p.waitFor(isProbeRunning(sinceNs), timeoutMs, 'leader').then((line) => ({ p, line })),
    ),
  );
}

async function trial(kind, procs, redisUrl) {
  const current = procs.find((p) => p.isLeader) ?? (await waitForLeader(procs, 0n, 60_000)).p;
  const others = procs.filter((p) => p !== current);
  const signalledNs = process.hrtime.bigint();
  current.child.kill(kind);
  const { p: next, line } = await waitForLeader(others, signalledNs, LEASE_MS + 30_000);
  const ms = Number(BigInt(line.monoNs) - signalledNs) / 1e6;
  await current.exited;
  // Keep three instances: a fresh one replaces the one that was signalled.
  procs.splice(procs.indexOf(current), 1, await startInstance(redisUrl));
  return { kind, ms: Math.round(ms * 10) / 10, from: current.name, to: next.name };
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return {
    trials: sorted.length,
    minMs: sorted[0],
    medianMs: median,
    p90Ms: at(0.9),
    worstMs: sorted.at(-1),
  };
}

const redis = await startRedis();
const procs = [];
try {
  for (let i = 0; i < INSTANCES; i++) procs.push(await startInstance(redis.url));
  await waitForLeader(procs, 0n, 60_000);
  const trials = [];
  for (const kind of ['SIGKILL', 'SIGTERM']) {
    for (let i = 0; i < TRIALS; i++) {
      const result = await trial(kind, procs, redis.url);
      trials.push(result);
      process.stdout.write(`${kind} #${i + 1}: ${result.ms} ms (${result.from} -> ${result.to})\n`);
    }
  }
  const crash = summarize(trials.filter((t) => t.kind === 'SIGKILL').map((t) => t.ms));
  const graceful = summarize(trials.filter((t) => t.kind === 'SIGTERM').map((t) => t.ms));
  const crashTargetMs = LEASE_MS + RETRY_MS;
  const gracefulTargetMs = 100;
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    instances: INSTANCES,
    timings: TIMINGS,
    measured:
      'signal sent to the leader -> another instance logs "leader probe running" (monotonic clock)',
    crash: {
      ...crash,
      targetMs: crashTargetMs,
      target: 'worst <= lease + retry',
      met: crash.worstMs <= crashTargetMs,
    },
    graceful: {
      ...graceful,
      targetMs: gracefulTargetMs,
      target: 'median <= 100 ms',
      met: graceful.medianMs <= gracefulTargetMs,
    },
    trials,
  };
  await mkdir(resolve(ROOT, 'bench/results'), { recursive: true });
  await writeFile(
    resolve(ROOT, 'bench/results/failover.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.table({
    'crash (SIGKILL)': { ...crash, target: `worst <= ${crashTargetMs}`, met: results.crash.met },
    'graceful (SIGTERM)': { ...graceful, target: 'median <= 100', met: results.graceful.met },
  });
  console.log('written to bench/results/failover.json');
} finally {
  for (const p of procs) if (p.running) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => (p.running ? p.exited : undefined)));
  redis.child.kill('SIGKILL');
}
