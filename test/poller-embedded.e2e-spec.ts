import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import { AppModule } from '../src/app.module.js';
import { loadEnv } from '../src/config/load-env.js';
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

describe('MessagePoller in embedded mode (REDIS_URL unset)', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('warns once, consumes from memory, and POST /messages reaches the handler', async () => {
    const { logger, logs } = createCaptureLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.register({
          env: loadEnv({ PORT: '0', HOST: '127.0.0.1', INSTANCE_ID: 'solo' }),
          logger,
          imports: [RecorderModule],
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    await logs.waitFor(byMsg('message poller consuming'));

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
});
