import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import { AppModule } from '../src/app.module.js';
import { loadEnv } from '../src/config/load-env.js';
import { InMemoryStreams } from '../src/embedded/in-memory-streams.js';
import { MessageHandler } from '../src/poller/message-handler.decorator.js';
import type { PolledMessage } from '../src/poller/message.interface.js';
import { createCaptureLogger } from './support/capture-logger.js';
import { request } from './support/http.js';
import { byMsg } from './support/log-lines.js';
import { waitUntil } from './support/wait-until.js';

@Injectable()
class Recorder {
  readonly seen: PolledMessage[] = [];

  @MessageHandler('test.record')
  handle(message: PolledMessage): Promise<void> {
    this.seen.push(message);
    return Promise.resolve();
  }
}

@Module({ providers: [Recorder] })
class RecorderModule {}

async function start(imports: unknown[]) {
  const { logger, logs } = createCaptureLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.register({
        env: loadEnv({ PORT: '0', HOST: '127.0.0.1', INSTANCE_ID: 'solo' }),
        logger,
        imports: imports as never[],
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  await logs.waitFor(byMsg('message poller consuming'));
  return { app, logs, url: await app.getUrl() };
}

describe('MessagePoller in embedded mode (REDIS_URL unset)', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('warns once, consumes from memory, and POST /messages reaches the handler', async () => {
    let url: string;
    let logs;
    ({ app, logs, url } = await start([RecorderModule]));

    const posted = await request(`${url}/messages`, {
      method: 'POST',
      body: { type: 'test.record', payload: { n: 1 }, id: 'k-1' },
    });
    expect(posted.status).toBe(202);
    const recorder = app.get(Recorder);
    await waitUntil(() => recorder.seen.length === 1, { what: 'message handled' });
    expect(recorder.seen[0]).toMatchObject({
      id: 'k-1',
      type: 'test.record',
      payload: { n: 1 },
      deliveryCount: 1,
      entryId: posted.body.id,
    });

    const health = await request(`${url}/health`);
    expect(health.body.details.tasks['message-poller']).toMatchObject({
      state: 'running',
      details: { mode: 'embedded', consumer: 'solo' },
    });
    await waitUntil(
      async () =>
        (await request(`${url}/health`)).body.details.tasks['message-poller'].details.pending === 0,
      { what: 'acked' },
    );
    expect(logs.filter(byMsg('embedded mode'))).toHaveLength(1);
  });

  it('files a patient message that needs review on the shared in-memory inbox, once; clinical-ops takes it', async () => {
    let url: string;
    ({ app, url } = await start([]));
    const payload = {
      messageId: 'pm-embedded',
      patientRef: 'P-1',
      channel: 'sms',
      body: 'hello',
      sentAt: '2026-12-03T10:00:00Z',
      needsClinicalReview: true,
    };
    for (let i = 0; i < 2; i++) {
      const posted = await request(`${url}/messages`, {
        method: 'POST',
        body: { type: 'patient.message', payload },
      });
      expect(posted.status).toBe(202);
    }
    const streams = app.get(InMemoryStreams);
    await waitUntil(
      () =>
        streams.lag('messages.inbound', 'workers') === 0 &&
        streams.pending('messages.inbound', 'workers').length === 0,
      { what: 'both messages delivered and acked' },
    );
    const inbox = streams.range('clinical-ops.inbox');
    expect(inbox).toHaveLength(1);
    expect(inbox[0].fields).toMatchObject({
      id: 'patient-message:pm-embedded',
      kind: 'patient-message',
      priority: 'routine',
      source: 'poller',
    });
    expect(streams.length('messages.inbound.dlq')).toBe(0);
    // The same store: the clinical-ops processor files it on the (in-memory) worklist.
    const item = await waitUntil(
      async () => {
        const r = await request(`${url}/clinical-ops/items/patient-message:pm-embedded`);
        return r.status === 200 ? r.body : undefined;
      },
      { what: 'item on the worklist' },
    );
    expect(item).toMatchObject({ id: 'patient-message:pm-embedded', priority: 'routine' });
  });
});
