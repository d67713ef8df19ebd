import { Injectable, Module } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { BackgroundTask } from '../src/tasks/background-task.decorator.js';
import type { BackgroundTaskHost, TaskContext } from '../src/tasks/background-task.interface.js';
import { request } from './support/http.js';
import { RedisServer } from './support/redis-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitUntil } from './support/wait-until.js';

const TOKEN = 'admin-token-for-tests';
const auth = { authorization: `Bearer ${TOKEN}` };

/** Crashes on its first run (restart: never, so it is `failed`); later runs keep running. */
@BackgroundTask({ name: 'gives-up', restart: 'never' })
@Injectable()
class GivesUpTask implements BackgroundTaskHost {
  runs = 0;
  async run(ctx: TaskContext): Promise<void> {
    this.runs += 1;
    if (this.runs === 1) throw new Error('feed unreachable');
    await new Promise<void>((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }
}

@Module({ providers: [GivesUpTask] })
class AdminProbeModule {}

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function start(env: Record<string, string> = {}, withTask = false): Promise<TestApp> {
  const t = await startTestApp({ env, imports: withTask ? [AdminProbeModule] : [] });
  apps.push(t);
  return t;
}

const taskState = async (t: TestApp, name: string): Promise<string> =>
  (await request(`${t.baseUrl}/admin/tasks`, { headers: auth })).body.tasks.find(
    (x: { name: string }) => x.name === name,
  )?.state;

describe('admin API access', () => {
  it('answers 404 on every /admin route when ADMIN_TOKEN is unset, even with a token', async () => {
    const t = await start();
    for (const [method, path] of [
      ['GET', '/admin/tasks'],
      ['POST', '/admin/tasks/anything/restart'],
      ['POST', '/admin/tasks/anything/stop'],
      ['GET', '/admin/dead-letters/messages.inbound'],
      ['POST', '/admin/dead-letters/messages.inbound/redrive'],
    ]) {
      const res = await request(`${t.baseUrl}${path}`, { method, headers: auth });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
  });

  it('answers 401 without the token or with a wrong one, 200 with it', async () => {
    const t = await start({ ADMIN_TOKEN: TOKEN });
    const url = `${t.baseUrl}/admin/tasks`;
    expect((await request(url)).status).toBe(401);
    expect((await request(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(
      401,
    );
    expect((await request(url, { headers: { authorization: 'Bearer short' } })).status).toBe(401);
    expect((await request(url, { headers: { authorization: TOKEN } })).status).toBe(401);
    const ok = await request(url, { headers: auth });
    expect(ok.status).toBe(200);
    expect(Array.isArray(ok.body.tasks)).toBe(true);
  });
});

describe('admin tasks', () => {
  it('restarts a failed task back to running, stops it, and 404s an unknown one', async () => {
    const t = await start({ ADMIN_TOKEN: TOKEN }, true);
    await t.logs.waitFor((l) => l.task === 'gives-up' && l.msg?.includes('(failed)') === true);
    const failed = await request(`${t.baseUrl}/admin/tasks`, { headers: auth });
    expect(failed.body.tasks.find((x: { name: string }) => x.name === 'gives-up')).toMatchObject({
      name: 'gives-up',
      state: 'failed',
      crashes: 1,
      lastError: { name: 'Error', message: 'feed unreachable' },
    });

    const restart = await request(`${t.baseUrl}/admin/tasks/gives-up/restart`, {
      method: 'POST',
      headers: auth,
    });
    expect(restart.status).toBe(200);
    expect(restart.body.restarted).toBe(true);
    await waitUntil(async () => (await taskState(t, 'gives-up')) === 'running', {
      what: 'gives-up running after the admin restart',
    });
    expect(t.logs.find((l) => l.msg === 'task restarted by admin')).toMatchObject({
      task: 'gives-up',
      from: 'failed',
    });

    const stop = await request(`${t.baseUrl}/admin/tasks/gives-up/stop`, {
      method: 'POST',
      headers: auth,
    });
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ stopped: true, task: { state: 'stopped' } });
    expect(await taskState(t, 'gives-up')).toBe('stopped');

    for (const op of ['restart', 'stop']) {
      const res = await request(`${t.baseUrl}/admin/tasks/no-such-task/${op}`, {
        method: 'POST',
        headers: auth,
      });
      expect([op, res.status]).toEqual([op, 404]);
    }
  });
});

describe('admin dead letters (real Redis)', () => {
  let server: RedisServer;
  let redis: Redis;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url, { lazyConnect: true });
    await redis.connect();
  });

  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  const deadLetter = (n: number): Promise<string | null> =>
    redis.xadd(
      'messages.inbound.dlq',
      '*',
      'type',
      'lab-result',
      'payload',
      JSON.stringify({ n, patientRef: `P-${n}` }),
      'reason',
      'max-deliveries',
      'deliveries',
      '5',
      'error',
      'handler timed out',
      'originalId',
      `1700000000000-${n}`,
      'deadLetteredAt',
      new Date(0).toISOString(),
    );

  const get = (path: string) => request(`${t.baseUrl}${path}`, { headers: auth });
  const post = (path: string, body: unknown) =>
    request(`${t.baseUrl}${path}`, { method: 'POST', headers: auth, body });

  it('lists a dead-letter stream in pages and redrives by id, then all, back to the source stream', async () => {
    await redis.flushall();
    t = await start({ ADMIN_TOKEN: TOKEN, REDIS_URL: server.url });
    await waitUntil(async () => (await request(`${t.baseUrl}/health/ready`)).status === 200, {
      what: 'the app connected to Redis',
    });
    await redis.xgroup('CREATE', 'messages.inbound', 'workers', '$', 'MKSTREAM');
    const ids = [await deadLetter(1), await deadLetter(2), await deadLetter(3)] as string[];

    const first = await get('/admin/dead-letters/messages.inbound?limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ stream: 'messages.inbound', total: 3, nextCursor: ids[1] });
    expect(first.body.entries[0]).toEqual({
      id: ids[0],
      originalId: '1700000000000-1',
      reason: 'max-deliveries',
      deliveries: 5,
      error: 'handler timed out',
      deadLetteredAt: new Date(0).toISOString(),
      fields: { type: 'lab-result', payload: JSON.stringify({ n: 1, patientRef: 'P-1' }) },
    });
    const second = await get(`/admin/dead-letters/messages.inbound?limit=2&cursor=${ids[1]}`);
    expect(second.body.entries.map((e: { id: string }) => e.id)).toEqual([ids[2]]);
    expect(second.body.nextCursor).toBeNull();

    const byId = await post('/admin/dead-letters/messages.inbound/redrive', {
      ids: [ids[1], '1-1'],
    });
    expect(byId.status).toBe(200);
    expect(byId.body.redriven.map((r: { id: string }) => r.id)).toEqual([ids[1]]);
    expect(byId.body.missing).toEqual(['1-1']);

    // Back on the source stream with only its original fields, gone from the dead-letter stream.
    const source = await redis.xrange('messages.inbound', '-', '+');
    expect(source).toEqual([
      [
        byId.body.redriven[0].newId,
        ['type', 'lab-result', 'payload', JSON.stringify({ n: 2, patientRef: 'P-2' })],
      ],
    ]);
    expect(await redis.xrange('messages.inbound.dlq', ids[1], ids[1])).toEqual([]);
    expect(await redis.xlen('messages.inbound.dlq')).toBe(2);

    // A fresh entry for the group: its delivery count starts again at 1.
    await redis.xreadgroup(
      'GROUP',
      'workers',
      'c1',
      'COUNT',
      10,
      'STREAMS',
      'messages.inbound',
      '>',
    );
    const pending = (await redis.xpending('messages.inbound', 'workers', '-', '+', 10)) as [
      string,
      string,
      number,
      number,
    ][];
    expect(pending.map(([id, , , count]) => [id, count])).toEqual([
      [byId.body.redriven[0].newId, 1],
    ]);

    const redrive = t.logs.find((l) => l.msg === 'dead letters redriven');
    expect(redrive).toMatchObject({
      stream: 'messages.inbound',
      requested: 2,
      redriven: 1,
      missing: 1,
    });
    expect(JSON.stringify(redrive)).not.toContain('P-2');

    const all = await post('/admin/dead-letters/messages.inbound/redrive', {});
    expect(all.body.redriven.map((r: { id: string }) => r.id)).toEqual([ids[0], ids[2]]);
    expect(await redis.xlen('messages.inbound.dlq')).toBe(0);
    expect(await redis.xlen('messages.inbound')).toBe(3);
  });

  it('refuses a stream the worker does not consume and malformed input with 400 naming the field', async () => {
    t = await start({ ADMIN_TOKEN: TOKEN, REDIS_URL: server.url });
    const unknown = await get('/admin/dead-letters/some.other.stream');
    expect(unknown.status).toBe(400);
    expect(unknown.body.problems).toEqual([{ field: 'params.stream', message: 'unknown stream' }]);
    const badIds = await post('/admin/dead-letters/clinical-ops.inbox/redrive', { ids: ['x'] });
    expect(badIds.status).toBe(400);
    expect(badIds.body.problems[0].field).toBe('body.ids.0');
    const badLimit = await get('/admin/dead-letters/clinical-ops.inbox?limit=0');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.problems[0].field).toBe('query.limit');
  });
});
