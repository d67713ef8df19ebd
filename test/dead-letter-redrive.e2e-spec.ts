import { Injectable, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { MessageHandler } from '../src/poller/message-handler.decorator.js';
import type { PolledMessage } from '../src/poller/message.interface.js';
import { request } from './support/http.js';
import { byMsg } from './support/log-lines.js';
import { parsePrometheusText, type Exposition } from './support/prometheus-text.js';
import { RedisServer } from './support/redis-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitUntil } from './support/wait-until.js';

const STREAM = 'messages.inbound';
const DLQ = `${STREAM}.dlq`;
const ADMIN_TOKEN = 'test-admin-token';
const TYPE = 'test.flaky';

/** Fails every delivery until `healed` flips; records what it handled once it succeeds. */
@Injectable()
class FlakyHandler {
  healed = false;
  attempts = 0;
  readonly handled: PolledMessage[] = [];
  private notify: (() => void) | undefined;

  /** Resolves once a message was handled successfully. */
  nextHandled(): Promise<void> {
    return new Promise((resolve) => {
      this.notify = resolve;
    });
  }

  @MessageHandler(TYPE)
  handle(message: PolledMessage): Promise<void> {
    this.attempts += 1;
    if (!this.healed) return Promise.reject(new Error(`downstream unavailable (${message.id})`));
    this.handled.push(message);
    this.notify?.();
    return Promise.resolve();
  }
}

@Module({ providers: [FlakyHandler] })
class FlakyModule {}

describe('dead letters end to end: real Redis, real poller, admin redrive', () => {
  let server: RedisServer;
  let redis: Redis;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
    t = await startTestApp({
      imports: [FlakyModule],
      env: {
        REDIS_URL: server.url,
        ADMIN_TOKEN,
        INSTANCE_ID: 'w1',
        POLLER_MAX_DELIVERIES: '3',
        POLLER_RETRY_BACKOFF_MS: '50',
        POLLER_CLAIM_INTERVAL_MS: '500',
        POLLER_BLOCK_MS: '200',
      },
    });
    await t.logs.waitFor(byMsg('message poller consuming'));
  });

  afterAll(async () => {
    await t?.close();
    redis?.disconnect();
    await server?.stop();
  });

  const scrape = async (): Promise<Exposition> =>
    parsePrometheusText(await (await fetch(`${t.baseUrl}/metrics`)).text());

  it('dead-letters after POLLER_MAX_DELIVERIES, and a redrive brings the message back to be handled', async () => {
    const flaky = t.app.get(FlakyHandler);
    await redis.xadd(STREAM, '*', 'type', TYPE, 'payload', '{"n":1}', 'id', 'flaky-1');
    await t.logs.waitFor(byMsg('message dead-lettered'), 20_000, 'the dead-letter');
    expect(flaky.attempts).toBe(3);
    expect(flaky.handled).toEqual([]);
    expect(await redis.xlen(DLQ)).toBe(1);
    const dead = { type: TYPE, reason: 'max-deliveries' };
    expect((await scrape()).value('worker_messages_dead_lettered_total', dead)).toBe(1);

    // The status page counts it under the poller.
    const status = (await (await fetch(`${t.baseUrl}/status`)).text()).replace(/<[^>]+>/g, ' ');
    expect(status.replace(/\s+/g, ' ')).toContain(`dead letters 1 in ${DLQ}`);

    // The admin API shows the dead letter with its original fields apart from the dead-letter ones.
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const page = await request(`${t.baseUrl}/admin/dead-letters/${STREAM}`, { headers: auth });
    expect(page.status).toBe(200);
    expect(page.body.entries).toHaveLength(1);
    expect(page.body.entries[0]).toMatchObject({
      reason: expect.stringContaining('3'),
      deliveries: 3,
      consumer: 'w1',
      fields: { type: TYPE, payload: '{"n":1}', id: 'flaky-1' },
    });

    flaky.healed = true;
    const handled = flaky.nextHandled();
    const redrive = await request(`${t.baseUrl}/admin/dead-letters/${STREAM}/redrive`, {
      method: 'POST',
      headers: auth,
      body: {},
    });
    expect(redrive.status).toBe(200);
    expect(redrive.body.redriven).toHaveLength(1);
    await handled;

    // Handled once, as a fresh message (delivery count reset), carrying only its original fields.
    expect(flaky.handled.map((m) => [m.id, m.deliveryCount, m.payload])).toEqual([
      ['flaky-1', 1, { n: 1 }],
    ]);
    const newId = redrive.body.redriven[0].newId as string;
    const [[, fields]] = await redis.xrange(STREAM, newId, newId);
    expect(fields).toEqual(['type', TYPE, 'payload', '{"n":1}', 'id', 'flaky-1']);
    expect(await redis.xlen(DLQ)).toBe(0);

    const m = await waitUntil(
      async () => {
        const e = await scrape();
        return e.value('worker_messages_handled_total', { type: TYPE }) === 1 ? e : undefined;
      },
      { what: 'the redriven message counted as handled' },
    );
    expect(m.value('worker_messages_dead_lettered_total', dead)).toBe(1);
    expect(m.value('worker_messages_failed_total', { type: TYPE })).toBe(3);
  });
});
