import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';
import { InMemoryStreams } from '../embedded/in-memory-streams.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { RedisConnectionFactory } from './redis-connection.factory.js';
import { REDIS_CLIENT } from './redis.constants.js';
import { RedisHealthIndicator } from './redis.indicator.js';

/**
 * Redis connections for every module; REDIS_CLIENT is null in embedded mode.
 * InMemoryStreams is the one in-process store of embedded mode, shared by
 * every module (the poller files inbox items that clinical-ops reads).
 */
@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    RedisConnectionFactory,
    {
      provide: REDIS_CLIENT,
      inject: [RedisConnectionFactory, ROOT_LOGGER],
      useFactory: (factory: RedisConnectionFactory, logger: Logger) => {
        if (factory.configured) return factory.create('command');
        logger.warn(
          { mode: 'embedded' },
          'REDIS_URL is not set: embedded mode. Streams, worklist and leader lease live in this process only: ' +
            'run ONE instance, and expect every message and item to be lost on exit',
        );
        return null;
      },
    },
    RedisHealthIndicator,
    { provide: InMemoryStreams, useFactory: () => new InMemoryStreams() },
  ],
  exports: [RedisConnectionFactory, REDIS_CLIENT, RedisHealthIndicator, InMemoryStreams],
})
export class RedisModule {}
