import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import { AppModule } from '../app.module.js';
import { loadEnv } from '../config/load-env.js';
import { createCaptureLogger } from '../../test/support/capture-logger.js';
import { MessageHandler } from './message-handler.decorator.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';
import { DuplicateMessageHandlerError } from './poller.errors.js';

@Injectable()
class FirstHandlers {
  @MessageHandler('dup.type')
  async handle(): Promise<void> {}

  @MessageHandler('other.type')
  async other(): Promise<void> {}
}

@Injectable()
class SecondHandlers {
  @MessageHandler('dup.type')
  async handle(): Promise<void> {}
}

@Module({ providers: [FirstHandlers] })
class OneModule {}

@Module({ providers: [FirstHandlers, SecondHandlers] })
class DuplicateModule {}

async function build(
  imports: unknown[],
): Promise<{ app: INestApplication; logs: ReturnType<typeof createCaptureLogger>['logs'] }> {
  const { logger, logs } = createCaptureLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.register({
        env: loadEnv({ PORT: '0', HOST: '127.0.0.1' }),
        logger,
        imports: imports as never[],
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  return { app, logs };
}

describe('MessageHandlerExplorer', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('registers every @MessageHandler method by type, next to the built-in patient.message', async () => {
    ({ app } = await build([OneModule]));
    await app.init();
    expect(app.get(MessageHandlerRegistry).types().sort()).toEqual([
      'dup.type',
      'other.type',
      'patient.message',
    ]);
  });

  it('throws DuplicateMessageHandlerError at boot for two handlers of one type', async () => {
    ({ app } = await build([DuplicateModule]));
    await expect(app.init()).rejects.toThrow(DuplicateMessageHandlerError);
  });
});
