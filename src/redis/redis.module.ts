import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RedisConnectionFactory } from './redis-connection.factory.js';
import { REDIS_CLIENT } from './redis.constants.js';
import { RedisHealthIndicator } from './redis.indicator.js';

/** Redis connections for every module; REDIS_CLIENT is null in embedded mode. */
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
  ],
  exports: [RedisConnectionFactory, REDIS_CLIENT, RedisHealthIndicator],
})
export class RedisModule {}
