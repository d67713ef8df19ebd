import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module.js';
import {
  FENCE_KEY,
  itemKey,
  OPEN_KEY,
  UNESCALATED_KEY,
} from '../src/clinical-ops/clinical-ops.constants.js';
import { RedisWorklistStore } from '../src/clinical-ops/redis-worklist.store.js';
import { loadEnv } from '../src/config/load-env.js';
import { FencedWriter } from '../src/leader/fenced-writer.service.js';
import { createCaptureLogger } from './support/capture-logger.js';
import { request } from './support/http.js';
import type { LogLines } from './support/log-lines.js';
import { byMsg } from './support/log-lines.js';
import { RedisServer } from './support/redis-server.js';
import { waitUntil } from './support/wait-until.js';

const INBOX = 'clinical-ops.inbox';
const GROUP = 'clinical-ops';
const ESCALATIONS = 'clinical-ops.escalations';
const TOKEN = 'test-api-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SLA = { stat: 1, urgent: 3_600_000, routine: 7_200_000 } as const;
const PRIORITIES = ['stat', 'urgent', 'routine'] as const;
const KINDS = ['lab-result', 'referral', 'refill-request', 'patient-message'] as const;
const SECRET = 'PATIENT-SECRET';

function fields(id: string, priority: (typeof PRIORITIES)[number], receivedAt: number): string[] {
  return [
    'id',
    id,
    'kind',
    KINDS[id.length % KINDS.length],
    'priority',
    priority,
    'patientRef',
    `${SECRET}-${id}`,
    'receivedAt',
    new Date(receivedAt).toISOString(),
    'payload',
    JSON.stringify({ text: `${SECRET} note` }),
  ];
}

let server: RedisServer;
let redis: Redis;
let app: INestApplication;
let base: string;
let logs: LogLines;
const expectedDue = new Map<string, number>();

/** Resolves once every inbox entry has been acked by the processor. */
async function drained(what: string): Promise<void> {
  await waitUntil(
    async () => {
      const [length, groups] = await Promise.all([
        redis.xlen(INBOX),
        redis.xinfo('GROUPS', INBOX) as Promise<unknown[][]>,
      ]);
      const info = groups[0];
      const at = (k: string): unknown => info[info.indexOf(k) + 1];
      return length > 0 && at('pending') === 0 && at('lag') === 0;
    },
    { timeoutMs: 20_000, intervalMs: 100, what },
  );
}

beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
  // A predecessor's leftovers: one entry it filed but did not ack, one it read and never filed.
  await redis.xgroup('CREATE', INBOX, GROUP, '0', 'MKSTREAM');
  const now = Date.now();
  await redis.xadd(INBOX, '*', ...fields('redelivered-1', 'urgent', now));
  await redis.xadd(INBOX, '*', ...fields('pending-1', 'urgent', now));
  await redis.call('XREADGROUP', 'GROUP', GROUP, 'dead-leader', 'COUNT', 10, 'STREAMS', INBOX, '>');
  const { logger: quiet } = createCaptureLogger('silent');
  const predecessor = new RedisWorklistStore(redis, new FencedWriter(redis, quiet));
  await predecessor.file(
    {
      id: 'redelivered-1',
      kind: 'referral',
      priority: 'urgent',
      patientRef: 'p',
      receivedAt: now,
      dueAt: now + SLA.urgent,
      payload: {},
      entryId: '0-1',
    },
    0,
  );

  // 1,000 items of mixed priorities, received over the last half hour (never overdue unless stat), in the inbox before the app starts.
  const pipeline = redis.pipeline();
  for (let i = 0; i < 1_000; i += 1) {
    const id = `item-${String(i).padStart(4, '0')}`;
    const priority = PRIORITIES[i % 3];
    const receivedAt = now - Math.floor(Math.random() * 1_800_000);
    expectedDue.set(id, receivedAt + SLA[priority]);
    pipeline.xadd(INBOX, '*', ...fields(id, priority, receivedAt));
  }
  await pipeline.exec();

  const capture = createCaptureLogger();
  logs = capture.logs;
  const env = loadEnv({
    NODE_ENV: 'test',
    REDIS_URL: server.url,
    INSTANCE_ID: 'inproc-1',
    API_TOKEN: TOKEN,
    SLA_STAT_MS: String(SLA.stat),
    SLA_URGENT_MS: String(SLA.urgent),
    SLA_ROUTINE_MS: String(SLA.routine),
    CLINICAL_OPS_SWEEP_INTERVAL_MS: '200',
    LEADER_LEASE_MS: '3000',
    LEADER_RENEW_INTERVAL_MS: '500',
    LEADER_RENEW_DEADLINE_MS: '2000',
    LEADER_RETRY_INTERVAL_MS: '200',
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register({ env, logger: capture.logger })],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await redis?.quit();
  await server?.stop();
});

describe('ClinicalOpsModule (in process, real Redis)', () => {
  it('takes over what the predecessor left pending: filed once, nothing left pending', async () => {
    await drained('the inbox to drain');
    expect(await redis.exists(itemKey('pending-1'))).toBe(1);
    expect(
      logs.find((l) => l.msg === 'duplicate inbox item dropped' && l.itemId === 'redelivered-1'),
    ).toBeDefined();
    expect(Number(await redis.get(FENCE_KEY))).toBeGreaterThan(0);
  });

  it('files 1,000 items of mixed priorities with the right due times, listed soonest due first', async () => {
    await drained('the 1,000 items to be filed');
    expect(await redis.zcard(OPEN_KEY)).toBe(1_002);
    const listed: { id: string; dueAt: string }[] = [];
    let cursor: string | null = '0';
    let page: { status: number; body: any };
    while (cursor !== null) {
      page = await request(`${base}/clinical-ops/worklist?limit=500&cursor=${cursor}`, {
        headers: AUTH,
      });
      expect(page.status).toBe(200);
      expect(JSON.stringify(page.body)).not.toContain(SECRET);
      listed.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect(listed).toHaveLength(1_002);
    const due = listed.map((i) => Date.parse(i.dueAt));
    expect(due).toEqual([...due].sort((a, b) => a - b));
    for (const item of listed.filter((i) => expectedDue.has(i.id)))
      expect(Date.parse(item.dueAt)).toBe(expectedDue.get(item.id));
    expect(new Set(listed.map((i) => i.id)).size).toBe(1_002);
  });

  it('files an id sent twice once', async () => {
    const filedAt = await redis.hget(itemKey('item-0001'), 'filedAt');
    const now = Date.now();
    await redis.xadd(INBOX, '*', ...fields('dup-1', 'routine', now));
    await redis.xadd(INBOX, '*', ...fields('dup-1', 'routine', now));
    await redis.xadd(INBOX, '*', ...fields('item-0001', 'stat', now));
    await drained('the duplicates to be handled');
    expect(await redis.zcard(OPEN_KEY)).toBe(1_003);
    expect(await redis.hget(itemKey('item-0001'), 'filedAt')).toBe(filedAt);
    const dropped = logs.filter((l) => l.msg === 'duplicate inbox item dropped');
    expect(dropped.map((l) => l.itemId).sort()).toEqual(['dup-1', 'item-0001', 'redelivered-1']);
  });

  it('dead-letters invalid items with the reason and files the valid ones around them', async () => {
    const now = Date.now();
    await redis.xadd(INBOX, '*', ...fields('valid-a', 'urgent', now));
    await redis.xadd(
      INBOX,
      '*',
      'id',
      'bad-1',
      'kind',
      'x-ray',
      'priority',
      'urgent',
      'receivedAt',
      'yesterday',
      'payload',
      'not json',
    );
    await redis.xadd(INBOX, '*', ...fields('valid-b', 'routine', now));
    await drained('the mixed batch to be handled');
    expect(await redis.exists(itemKey('valid-a'), itemKey('valid-b'), itemKey('bad-1'))).toBe(2);
    const dlq = await redis.xrange(`${INBOX}.dlq`, '-', '+');
    expect(dlq).toHaveLength(1);
    const entry = dlq[0][1];
    const reason = entry[entry.indexOf('reason') + 1];
    for (const field of ['kind', 'patientRef', 'receivedAt', 'payload'])
      expect(reason).toContain(field);
    expect(entry[entry.indexOf('id') + 1]).toBe('bad-1');
    expect(logs.find((l) => l.msg === 'invalid inbox item dead-lettered')?.itemId).toBe('bad-1');
  });

  it('escalates every overdue item exactly once across many sweeps', async () => {
    const statIds = (await redis.zrange(OPEN_KEY, 0, -1)).filter(
      (id) => id.startsWith('item-') && Number(id.slice(5)) % 3 === 0,
    );
    await waitUntil(async () => (await redis.xlen(ESCALATIONS)) >= statIds.length, {
      timeoutMs: 30_000,
      what: 'the stat items to be escalated',
    });
    const sweepsBefore = logs.filter(byMsg('SLA sweep finished')).length;
    await logs.waitFor(
      () => logs.filter(byMsg('SLA sweep finished')).length >= sweepsBefore + 3,
      15_000,
    );
    const escalated = (await redis.xrange(ESCALATIONS, '-', '+')).map(
      ([, f]) => f[f.indexOf('id') + 1],
    );
    expect(escalated.sort()).toEqual([...statIds].sort());
    const item = await request(`${base}/clinical-ops/items/${statIds[0]}`, { headers: AUTH });
    expect(item.body).toMatchObject({ escalated: true, priority: 'stat', status: 'open' });
  });

  it('survives a corrupt record: logged with its id, the sweep goes on with the others', async () => {
    // An item whose record lost its kind: the escalation script fails for it, and only for it.
    await redis.hset(itemKey('corrupt-1'), { id: 'corrupt-1', status: 'open', dueAtMs: '0' });
    await redis.zadd(UNESCALATED_KEY, 0, 'corrupt-1');
    await redis.xadd(INBOX, '*', ...fields('after-corrupt', 'stat', Date.now()));
    const failed = await logs.waitFor(
      (l) => l.msg === 'could not escalate item; the sweep goes on' && l.itemId === 'corrupt-1',
      15_000,
    );
    expect(failed.sweep).toBe('clinical-ops-sla-sweep');
    await logs.waitFor(
      (l) => l.msg === 'overdue item escalated' && l.itemId === 'after-corrupt',
      15_000,
      'after-corrupt to be escalated despite the corrupt record',
    );
    const partial = await logs.waitFor(
      (l) => l.msg === 'SLA sweep finished' && l.outcome === 'partial',
    );
    expect(partial.itemFailures).toBe(1);
    expect(await redis.hexists(itemKey('corrupt-1'), 'escalatedAt')).toBe(0);
    // Once the record is gone, the sweep drops it from the index and is clean again.
    await redis.del(itemKey('corrupt-1'));
    const cleanAfter = logs.lines.length;
    await logs.waitFor(
      (l) =>
        l.msg === 'SLA sweep finished' && l.outcome === 'ok' && logs.lines.indexOf(l) >= cleanAfter,
      15_000,
    );
  });

  it('never writes a patient reference or payload to the logs', () => {
    expect(logs.lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain(SECRET);
  });

  describe('HTTP', () => {
    const body = {
      id: 'http-1',
      kind: 'referral',
      priority: 'urgent',
      patientRef: `${SECRET}-http`,
      payload: { text: 'x' },
    };

    it('401 without or with a wrong bearer token', async () => {
      expect((await request(`${base}/clinical-ops/worklist`)).status).toBe(401);
      const wrong = await request(`${base}/clinical-ops/worklist`, {
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrong.status).toBe(401);
      const post = await request(`${base}/clinical-ops/inbox`, { method: 'POST', body });
      expect(post.status).toBe(401);
    });

    it('POST /clinical-ops/inbox: 202 with the entry id, and the item is filed', async () => {
      const res = await request(`${base}/clinical-ops/inbox`, {
        method: 'POST',
        body,
        headers: AUTH,
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: 'http-1', entryId: expect.stringMatching(/^\d+-\d+$/) });
      const item = await waitUntil(
        async () => {
          const r = await request(`${base}/clinical-ops/items/http-1`, { headers: AUTH });
          return r.status === 200 ? r.body : undefined;
        },
        { what: 'http-1 to be filed' },
      );
      expect(item).toMatchObject({
        id: 'http-1',
        kind: 'referral',
        status: 'open',
        escalated: false,
      });
      expect(JSON.stringify(item)).not.toContain(SECRET);
    });

    it('POST /clinical-ops/inbox: 400 naming the bad fields', async () => {
      const res = await request(`${base}/clinical-ops/inbox`, {
        method: 'POST',
        body: { id: 'has space', kind: 'x', priority: 'stat', payload: 'str' },
        headers: AUTH,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        'id',
        'kind',
        'patientRef',
        'payload',
      ]);
    });

    it('GET /clinical-ops/worklist: 400 for a limit over 500', async () => {
      const res = await request(`${base}/clinical-ops/worklist?limit=501`, { headers: AUTH });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('limit');
    });

    it('404 for an unknown item, to read or to resolve', async () => {
      expect((await request(`${base}/clinical-ops/items/nope`, { headers: AUTH })).status).toBe(
        404,
      );
      const resolve = await request(`${base}/clinical-ops/items/nope/resolve`, {
        method: 'POST',
        headers: AUTH,
      });
      expect(resolve.status).toBe(404);
    });

    it('resolve: 200, idempotent, and the item leaves the worklist', async () => {
      const url = `${base}/clinical-ops/items/item-0002/resolve`;
      const first = await request(url, { method: 'POST', headers: AUTH });
      const second = await request(url, { method: 'POST', headers: AUTH });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ outcome: 'resolved', item: { status: 'resolved' } });
      expect(second.status).toBe(200);
      expect(second.body.outcome).toBe('already-resolved');
      expect(second.body.item.resolvedAt).toBe(first.body.item.resolvedAt);
      expect(await redis.zscore(OPEN_KEY, 'item-0002')).toBeNull();
    });

    it('GET /health: the processor with open and overdue counts and the last sweep', async () => {
      const res = await request(`${base}/health`);
      const task = res.body.details.tasks['clinical-ops-inbox'];
      expect(task.state).toBe('running');
      expect(task.details).toMatchObject({
        open: expect.any(Number),
        overdue: expect.any(Number),
        sweep: {
          lastOutcome: 'ok',
          lastRunAt: expect.any(String),
          lastDurationMs: expect.any(Number),
        },
      });
      expect(task.details.overdue).toBeGreaterThan(300);
    });
  });

  it('a refused fenced write ends the run without filing or acking: a newer term has written', async () => {
    // A newer leader's first act is to claim the fence with its higher token.
    await redis.set(FENCE_KEY, String(Number(await redis.get(FENCE_KEY)) + 100));
    await redis.xadd(INBOX, '*', ...fields('after-newer-leader', 'stat', Date.now()));
    const crash = await logs.waitFor(
      (l) =>
        byMsg('task crashed', 'clinical-ops-inbox')(l) &&
        (l.err as any)?.type === 'StaleLeaderError',
      15_000,
      'the processor to stop on the refused write',
    );
    expect((crash.err as any).message).toContain('fenced write refused');
    expect(await redis.exists(itemKey('after-newer-leader'))).toBe(0);
    const [pending] = (await redis.xpending(INBOX, GROUP)) as [number];
    expect(pending).toBeGreaterThanOrEqual(1);
  });

  it('HTTP: 503 when Redis is unreachable', async () => {
    await server.stop();
    const post = await request(`${base}/clinical-ops/inbox`, {
      method: 'POST',
      body: { id: 'http-2', kind: 'referral', priority: 'urgent', patientRef: 'p', payload: {} },
      headers: AUTH,
    });
    expect(post.status).toBe(503);
    const list = await request(`${base}/clinical-ops/worklist`, { headers: AUTH });
    expect(list.status).toBe(503);
  });
});
