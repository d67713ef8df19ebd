import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { AppProcess } from './support/app-process.js';
import { request } from './support/http.js';
import { spawnWorker, STREAM, waitForAllHandled } from './support/poller-helpers.js';
import { RedisServer } from './support/redis-server.js';
import { waitUntil } from './support/wait-until.js';

const TOKEN = 'test-api-token';
const SECRET_BODY = 'body-that-must-never-be-logged';
const SECRET_REF = 'patient-ref-that-must-never-be-logged';

const patient = (messageId: string, needsClinicalReview: boolean) =>
  JSON.stringify({
    messageId,
    patientRef: SECRET_REF,
    channel: 'portal',
    body: SECRET_BODY,
    sentAt: '2026-12-03T09:30:00.000Z',
    needsClinicalReview,
    ...(needsClinicalReview && { priority: 'urgent' }),
  });

type Dlq = Record<string, string>;

describe('MessagePoller with poison messages, patient.message and POST /messages', () => {
  let server: RedisServer;
  let redis: Redis;
  let worker: AppProcess;

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
    worker = await spawnWorker(server.url, 'w1', {
      API_TOKEN: TOKEN,
      ADMIN_TOKEN: 'test-admin-token',
      POLLER_MAX_DELIVERIES: '3',
      POLLER_RETRY_BACKOFF_MS: '50',
      POLLER_CLAIM_INTERVAL_MS: '500',
    });
    // The metrics test below reads counters this file's messages produced.
  });

  afterAll(async () => {
    await worker?.kill();
    redis?.disconnect();
    await server?.stop();
  });

  const dlqEntries = async (): Promise<Dlq[]> =>
    (await redis.xrange(`${STREAM}.dlq`, '-', '+')).map(([, flat]) => {
      const fields: Dlq = {};
      for (let i = 0; i < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
      return fields;
    });

  it('dead-letters poison at once or after max deliveries; good messages around it succeed', async () => {
    const add = (...fields: string[]) => redis.xadd(STREAM, '*', ...fields);
    await add('type', 'test.record', 'payload', '{}', 'id', 'good-1');
    await add('payload', '{}', 'id', 'no-type');
    await add('type', 'test.record', 'payload', '{not json', 'id', 'bad-json');
    await add('type', 'test.record', 'payload', '[1,2]', 'id', 'array-payload');
    await add('type', 'test.unknown', 'payload', '{}', 'id', 'unknown-type');
    await add('type', 'test.fail-always', 'payload', '{}', 'id', 'always');
    await add('type', 'test.fail-twice', 'payload', '{}', 'id', 'twice');
    await add('type', 'patient.message', 'payload', '{"messageId":42}', 'id', 'bad-patient');
    await add('type', 'patient.message', 'payload', patient('pm-1', true));
    await add('type', 'patient.message', 'payload', patient('pm-1', true));
    await add('type', 'patient.message', 'payload', patient('pm-2', false));
    await add('type', 'test.record', 'payload', '{}', 'id', 'good-2');

    await waitUntil(async () => (await redis.xlen(`${STREAM}.dlq`)) >= 6, {
      what: '6 dead letters',
    });
    await waitForAllHandled(redis, 3);

    const dlq = await dlqEntries();
    const byId = Object.fromEntries(dlq.map((d) => [d.id, d]));
    expect(Object.keys(byId).sort()).toEqual(
      ['always', 'array-payload', 'bad-json', 'bad-patient', 'no-type', 'unknown-type'].sort(),
    );
    expect(byId['no-type']['reason']).toBe('malformed: no type');
    expect(byId['bad-json']['reason']).toMatch(/not valid JSON/);
    expect(byId['array-payload']['reason']).toMatch(/not a JSON object/);
    expect(byId['unknown-type']['reason']).toBe('no handler for type "test.unknown"');
    expect(byId['bad-patient']['reason']).toMatch(/messageId: .*; patientRef: /);
    expect(byId['bad-patient']['deliveries']).toBe('1');
    for (const id of ['no-type', 'bad-json', 'unknown-type'])
      expect(byId[id]['deliveries']).toBe('1');
    expect(byId.always['deliveries']).toBe('3');
    expect(byId.always['error']).toBe('always fails (always)');
    expect(byId.always['consumer']).toBe('w1');
    expect(byId.always.payload).toBe('{}');
    expect(byId.always.type).toBe('test.fail-always');
    expect(await redis.get('test:attempts:always')).toBe('3');
    expect(await redis.get('test:attempts:twice')).toBe('3');
    expect(await redis.smembers('test:handled')).toEqual(
      expect.arrayContaining(['good-1', 'good-2', 'twice']),
    );

    // One inbox item for pm-1 (sent twice), none for pm-2 (no review needed).
    const inbox = await redis.xrange('clinical-ops.inbox', '-', '+');
    expect(inbox).toHaveLength(1);
    const item: Record<string, string> = {};
    for (let i = 0; i < inbox[0][1].length; i += 2) item[inbox[0][1][i]] = inbox[0][1][i + 1];
    expect(item).toMatchObject({
      id: 'patient-message:pm-1',
      kind: 'patient-message',
      priority: 'urgent',
      patientRef: SECRET_REF,
      source: 'poller',
    });
    expect(JSON.parse(item.payload)).toEqual({
      messageId: 'pm-1',
      channel: 'portal',
      sentAt: '2026-12-03T09:30:00.000Z',
      body: SECRET_BODY,
    });
    expect(new Date(item.receivedAt).toISOString()).toBe(item.receivedAt);

    const logs = worker.logs.lines.map((l) => JSON.stringify(l)).join('\n');
    expect(logs).not.toContain(SECRET_BODY);
    expect(logs).not.toContain(SECRET_REF);
    expect(worker.running).toBe(true);
  });

  it('the inbox item reaches the clinical-ops worklist (the contract with clinical-ops holds)', async () => {
    const item = await waitUntil(
      async () => {
        const r = await request(`${worker.baseUrl}/clinical-ops/items/patient-message:pm-1`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        return r.status === 200 ? r.body : undefined;
      },
      { what: 'item filed by the clinical-ops processor', timeoutMs: 20_000 },
    );
    expect(item).toMatchObject({
      id: 'patient-message:pm-1',
      kind: 'patient-message',
      priority: 'urgent',
    });
    expect(await redis.xlen('clinical-ops.inbox.dlq')).toBe(0);
  });

  it('writes dead letters the admin API reads: reason, deliveries, error, original fields', async () => {
    const page = await request(`${worker.baseUrl}/admin/dead-letters/${STREAM}?limit=100`, {
      headers: { authorization: 'Bearer test-admin-token' },
    });
    expect(page.status).toBe(200);
    const always = page.body.entries.find((e: { fields: Dlq }) => e.fields.id === 'always');
    expect(always).toMatchObject({
      reason: 'handler failed 3 times (max 3)',
      deliveries: 3,
      error: 'always fails (always)',
      originalId: expect.stringMatching(/^\d+-\d+$/),
      deadLetteredAt: expect.any(String),
      consumer: 'w1',
    });
    expect(always.fields).toMatchObject({ type: 'test.fail-always', payload: '{}', id: 'always' });
    // The dead-letter fields are not the message's: a redrive sends back only these.
    expect(Object.keys(always.fields).sort()).toEqual(['id', 'payload', 'type']);
  });

  it('POST /messages: 401 without the token, 400 with field errors, 202 with the entry id', async () => {
    const url = `${worker.baseUrl}/messages`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    const body = { type: 'test.record', payload: {}, id: 'posted-1' };

    expect((await request(url, { method: 'POST', body })).status).toBe(401);
    expect(
      (await request(url, { method: 'POST', body, headers: { authorization: 'Bearer wrong' } }))
        .status,
    ).toBe(401);

    const bad = await request(url, {
      method: 'POST',
      body: { type: '', payload: 'nope' },
      headers: auth,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['type', 'payload']),
    );

    const ok = await request(url, { method: 'POST', body, headers: auth });
    expect(ok.status).toBe(202);
    expect(ok.body.id).toMatch(/^\d+-\d+$/);
    const [entry] = await redis.xrange(STREAM, ok.body.id, ok.body.id);
    expect(entry[1]).toEqual(['type', 'test.record', 'payload', '{}', 'id', 'posted-1']);
    await waitUntil(async () => (await redis.sismember('test:handled', 'posted-1')) === 1, {
      what: 'posted message handled',
    });
  });

  it('GET /metrics counts handled, retried and dead-lettered messages by type and reason', async () => {
    const metrics = await fetch(`${worker.baseUrl}/metrics`).then((r) => r.text());
    const value = (series: string): number => {
      const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? NaN : Number(line.split(' ')[1]);
    };
    expect(value('worker_messages_handled_total{type="test.record"}')).toBeGreaterThanOrEqual(2);
    expect(value('worker_messages_retried_total{type="test.fail-twice"}')).toBe(2);
    expect(
      value('worker_messages_dead_lettered_total{type="test.fail-always",reason="max-deliveries"}'),
    ).toBe(1);
    expect(
      value('worker_messages_dead_lettered_total{type="patient.message",reason="invalid"}'),
    ).toBe(1);
    expect(value('worker_messages_dead_lettered_total{type="other",reason="no-handler"}')).toBe(1);
    expect(metrics).not.toContain(SECRET_REF);
  });

  it('GET /health shows the consumer lag of the poller', async () => {
    const health = await request(`${worker.baseUrl}/health`);
    const details = health.body.details.tasks['message-poller'].details;
    expect(details).toMatchObject({ stream: STREAM, group: 'workers', consumer: 'w1', pending: 0 });
    expect(typeof details.length).toBe('number');
  });

  it('POST /messages answers 503 while Redis is down', async () => {
    await server.stop();
    const down = await request(`${worker.baseUrl}/messages`, {
      method: 'POST',
      body: { type: 'test.record', payload: {} },
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(down.status).toBe(503);
    expect((await request(`${worker.baseUrl}/health/live`)).status).toBe(200);
    expect(worker.running).toBe(true);
  });
});
