import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import type { Env } from '../config/env.schema.js';
import { REDIS_CLIENT } from './redis.constants.js';

/** PING on the shared connection, bounded by HEALTH_CHECK_TIMEOUT_MS. Never throws. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async check(): Promise<HealthIndicatorResult<'redis'>> {
    const session = this.indicator.check('redis');
    if (!this.redis) return session.up({ mode: 'embedded' });
    const timeoutMs = this.config.get('HEALTH_CHECK_TIMEOUT_MS', { infer: true });
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return session.up({ pingMs: Math.round(performance.now() - started) });
    } catch (error: unknown) {
      return session.down({
        connection: this.redis.status,
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
