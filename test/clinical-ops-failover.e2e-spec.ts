import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { FENCE_KEY } from '../src/clinical-ops/clinical-ops.constants.js';
import { RedisWorklistStore } from '../src/clinical-ops/redis-worklist.store.js';
import { FencedWriter } from '../src/leader/fenced-writer.service.js';
import { AppProcess } from './support/app-process.js';
import { createCaptureLogger } from './support/capture-logger.js';
import { byMsg, type LogLine } from './support/log-lines.js';
import { RedisServer } from './support/redis-server.js';
import { waitUntil } from './support/wait-until.js';

const INBOX = 'clinical-ops.inbox';
const ESCALATIONS = 'clinical-ops.escalations';
const PRIORITIES = ['stat', 'urgent', 'routine'];

// Short leader timings, a fast sweep, and SLAs of 1 ms: every item is overdue as soon as it is filed.
const ENV = {
  LEADER_LEASE_MS: '2000',
  LEADER_RENEW_INTERVAL_MS: '300',
  LEADER_RENEW_DEADLINE_MS: '1200',
  LEADER_RETRY_INTERVAL_MS: '200',
  CLINICAL_OPS_SWEEP_INTERVAL_MS: '200',
  SLA_STAT_MS: '1',
  SLA_URGENT_MS: '1',
  SLA_ROUTINE_MS: '1',
  TASK_BACKOFF_INITIAL_MS: '200',
};

let server: RedisServer | undefined;
let redis: Redis | undefined;
const apps: AppProcess[] = [];

async function setUp(): Promise<Redis> {
  server = await RedisServer.start();
  redis = new Redis(server.url);
  return redis;
}

async function spawn(instanceId: string): Promise<AppProcess> {
  const app = await AppProcess.spawn({
    env: { ...ENV, REDIS_URL: server?.url, INSTANCE_ID: instanceId },
  });
  apps.push(app);
  return app;
}

async function produce(client: Redis, from: number, count: number): Promise<void> {
  const pipeline = client.pipeline();
  for (let i = from; i < from + count; i += 1) {
    pipeline.xadd(
      INBOX,
      '*',
      'id',
      `item-${i}`,
      'kind',
      'lab-result',
      'priority',
      PRIORITIES[i % 3],
      'patientRef',
      `p-${i}`,
      'receivedAt',
      new Date().toISOString(),
      'payload',
      '{"n":1}',
    );
  }
  await pipeline.exec();
}

/** Every entry acked, every item on the worklist and escalated. */
async function settled(client: Redis, total: number, what: string): Promise<void> {
  await waitUntil(
    async () => {
      const [groups, open, escalated] = await Promise.all([
        client.xinfo('GROUPS', INBOX) as Promise<unknown[][]>,
        client.zcard('{clinical-ops}:open'),
        client.xlen(ESCALATIONS),
      ]);
      const info = groups[0];
      const at = (k: string): unknown => info[info.indexOf(k) + 1];
      return at('pending') === 0 && at('lag') === 0 && open === total && escalated >= total;
    },
    { timeoutMs: 45_000, intervalMs: 200, what },
  );
}

async function escalatedIds(client: Redis): Promise<string[]> {
  return (await client.xrange(ESCALATIONS, '-', '+')).map(([, f]) => f[f.indexOf('id') + 1]);
}

function filedIds(...processes: AppProcess[]): string[] {
  return processes.flatMap((p) =>
    p.logs.filter(byMsg('inbox item filed')).map((l) => String(l.itemId)),
  );
}

/** Waits for `n` more sweeps of `app` after now. */
async function moreSweeps(app: AppProcess, n: number): Promise<void> {
  const seen = app.logs.filter(byMsg('SLA sweep finished')).length;
  await app.logs.waitFor(
    () => app.logs.filter(byMsg('SLA sweep finished')).length >= seen + n,
    15_000,
    `${n} more sweeps`,
  );
}

const duplicates = (ids: string[]): string[] => ids.filter((id, i) => ids.indexOf(id) !== i);
/** The app logs ISO times. */
const timeOf = (l: LogLine): number => Date.parse(String(l.time));
const after = (lines: LogLine[], at: number): LogLine[] => lines.filter((l) => timeOf(l) >= at);

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.kill()));
  await redis?.quit();
  await server?.stop();
});

afterAll(async () => {
  await Promise.all(apps.splice(0).map((a) => a.kill()));
});

describe('ClinicalOpsModule with two instances (real processes)', () => {
  it('only the leader processes and sweeps; after a SIGKILL the other carries on, nothing lost or doubled', async () => {
    const client = await setUp();
    const a = await spawn('co-a');
    await a.logs.waitFor(byMsg('leadership acquired'), 15_000, 'a to lead');
    const b = await spawn('co-b');

    await produce(client, 0, 1_000);
    await a.logs.waitFor(byMsg('inbox batch handled', 'clinical-ops-inbox'), 15_000);
    const killedAt = Date.now();
    await a.kill();
    await produce(client, 1_000, 500);

    await b.logs.waitFor(byMsg('leadership acquired'), 15_000, 'b to lead');
    await settled(client, 1_500, 'b to file and escalate everything');
    await moreSweeps(b, 3);

    // Only the leader worked: b did nothing with the inbox or the sweep before a died.
    expect(a.logs.find(byMsg('SLA sweep finished'))).toBeDefined();
    const bWork = b.logs.filter(
      (l) => l.msg === 'inbox batch handled' || l.msg === 'SLA sweep finished',
    );
    expect(bWork.length).toBeGreaterThan(0);
    expect(after(bWork, killedAt)).toHaveLength(bWork.length);

    const filed = filedIds(a, b);
    expect(duplicates(filed)).toEqual([]);
    const escalated = await escalatedIds(client);
    expect(escalated).toHaveLength(1_500);
    expect(duplicates(escalated)).toEqual([]);
    expect(await client.xlen(`${INBOX}.dlq`)).toBe(0);
  }, 120_000);

  it('a stale leader resumed after SIGSTOP has its fenced writes refused; one escalation per item', async () => {
    const client = await setUp();
    const a = await spawn('stale-a');
    const acquiredA = await a.logs.waitFor(byMsg('leadership acquired'), 15_000, 'a to lead');
    const b = await spawn('stale-b');

    await produce(client, 0, 300);
    await settled(client, 300, 'a to file and escalate the first 300');

    // Paused past its lease: b takes over, files and escalates what arrives meanwhile.
    a.signal('SIGSTOP');
    await produce(client, 300, 200);
    const acquiredB = await b.logs.waitFor(byMsg('leadership acquired'), 15_000, 'b to lead');
    await settled(client, 500, 'b to file and escalate the next 200');

    const resumedAt = Date.now();
    a.signal('SIGCONT');
    await a.logs.waitFor(
      (l) => l.msg === 'leadership lost' && timeOf(l) >= resumedAt,
      15_000,
      'a to find it lost the lease',
    );
    await moreSweeps(b, 3);

    const tokenA = Number(acquiredA.fencingToken);
    const tokenB = Number(acquiredB.fencingToken);
    expect(tokenB).toBeGreaterThan(tokenA);
    expect(Number(await client.get(FENCE_KEY))).toBe(tokenB);
    // Nothing a wrote after it resumed was accepted.
    const aWrites = a.logs.filter(
      (l) => l.msg === 'inbox item filed' || l.msg === 'overdue item escalated',
    );
    expect(after(aWrites, resumedAt)).toEqual([]);
    // Any write bearing a's token is refused by the worklist's fence.
    const store = new RedisWorklistStore(
      client,
      new FencedWriter(client, createCaptureLogger('silent').logger),
    );
    const [pending] = await client.zrange('{clinical-ops}:open', 0, 0);
    expect(await store.escalate(pending, tokenA, { now: Date.now(), stream: ESCALATIONS })).toEqual(
      { accepted: false, newestToken: tokenB },
    );
    expect(await store.claim(tokenA)).toEqual({ accepted: false, newestToken: tokenB });

    const escalated = await escalatedIds(client);
    expect(escalated).toHaveLength(500);
    expect(duplicates(escalated)).toEqual([]);
    expect(duplicates(filedIds(a, b))).toEqual([]);
  }, 120_000);
});
