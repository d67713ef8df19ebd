import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import type { Env } from '../config/env.schema.js';
import { InMemoryStreams } from '../embedded/in-memory-streams.js';
import { RedisConnectionFactory } from '../redis/redis-connection.factory.js';
import { REDIS_CLIENT } from '../redis/redis.constants.js';
import { ClinicalInboxWriter } from './handlers/clinical-inbox.writer.js';
import { PatientMessageHandler } from './handlers/patient-message.handler.js';
import { MessageHandlerExplorer } from './message-handler.explorer.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';
import type { MessageStream } from './message-stream.interface.js';
import { MessagePoller } from './message.poller.js';
import { MessagesController } from './messages.controller.js';
import { MESSAGE_STREAM } from './poller.constants.js';
import { PollerStatusContributor } from './poller-status.contributor.js';
import { InMemoryMessageStream } from './in-memory-message-stream.js';
import { RedisMessageStream } from './redis-message-stream.js';

/** Grace after a blocked read's BLOCK time before its connection is presumed dead. */
const READ_GRACE_EXTRA_MS = 1_000;

/** The message poller, its handler discovery, the built-in handlers and POST /messages. */
@Module({
  imports: [DiscoveryModule],
  controllers: [MessagesController],
  providers: [
    {
      provide: MESSAGE_STREAM,
      inject: [
        REDIS_CLIENT,
        RedisConnectionFactory,
        ConfigService,
        { token: InMemoryStreams, optional: true },
      ],
      useFactory: (
        redis: Redis | null,
        factory: RedisConnectionFactory,
        config: ConfigService<Env, true>,
        memory: InMemoryStreams | undefined,
      ): MessageStream => {
        const names = {
          stream: config.get('POLLER_STREAM', { infer: true }),
          group: config.get('POLLER_GROUP', { infer: true }),
          consumer: config.get('INSTANCE_ID', { infer: true }),
        };
        // Embedded mode (REDIS_URL unset): the same interface, in process memory.
        // Shares the app's InMemoryStreams when one is provided (so other modules see the same streams).
        if (!redis) return new InMemoryMessageStream(memory ?? new InMemoryStreams(), names);
        return new RedisMessageStream(redis, factory.create('poller', 'blocking'), {
          stream: config.get('POLLER_STREAM', { infer: true }),
          group: config.get('POLLER_GROUP', { infer: true }),
          consumer: config.get('INSTANCE_ID', { infer: true }),
          connectTimeoutMs: config.get('REDIS_CONNECT_TIMEOUT_MS', { infer: true }),
          readGraceMs:
            config.get('REDIS_COMMAND_TIMEOUT_MS', { infer: true }) + READ_GRACE_EXTRA_MS,
        });
      },
    },
    MessageHandlerRegistry,
    MessageHandlerExplorer,
    MessagePoller,
    ApiTokenGuard,
    ClinicalInboxWriter,
    PatientMessageHandler,
    PollerStatusContributor,
  ],
  exports: [MESSAGE_STREAM],
})
export class PollerModule {}
