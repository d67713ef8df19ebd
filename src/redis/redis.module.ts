import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InMemoryStreams } from '../embedded/in-memory-streams.js';
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
      inject: [RedisConnectionFactory],
      useFactory: (factory: RedisConnectionFactory) =>
        factory.configured ? factory.create('command') : null,
    },
    RedisHealthIndicator,
    { provide: InMemoryStreams, useFactory: () => new InMemoryStreams() },
  ],
  exports: [RedisConnectionFactory, REDIS_CLIENT, RedisHealthIndicator, InMemoryStreams],
})
export class RedisModule {}
