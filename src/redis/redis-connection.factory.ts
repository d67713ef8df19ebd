import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { redactUrl } from '../logging/redact-url.js';

/**
 * `command`: fails fast while disconnected (no offline queue) and times out
 * after REDIS_COMMAND_TIMEOUT_MS, so nothing runs late. `blocking`: the same
 * but without a command timeout, for XREADGROUP BLOCK and SUBSCRIBE, each on
 * its own connection.
 */
export type RedisConnectionKind = 'command' | 'blocking';

const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * Makes every Redis connection of the app and closes them all on shutdown.
 * Reconnects back off with jitter and never give up; an outage logs one line
 * when it starts and one when it ends, not one per attempt.
 */
@Injectable()
export class RedisConnectionFactory implements OnApplicationShutdown {
  private readonly connections = new Set<Redis>();
  private readonly logger: Logger;

  constructor(
    private readonly config: ConfigService<Env, true>,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'redis' });
  }

  /** False in embedded mode (REDIS_URL unset). */
  get configured(): boolean {
    return this.config.get('REDIS_URL', { infer: true }) !== undefined;
  }

  create(purpose: string, kind: RedisConnectionKind = 'command'): Redis {
    const url = this.config.get('REDIS_URL', { infer: true });
    if (url === undefined)
      throw new Error(`Redis connection "${purpose}" requested but REDIS_URL is not set`);
    const options: RedisOptions = {
      connectionName: `clinical-ops-worker:${purpose}`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: this.config.get('REDIS_CONNECT_TIMEOUT_MS', { infer: true }),
      commandTimeout:
        kind === 'command'
          ? this.config.get('REDIS_COMMAND_TIMEOUT_MS', { infer: true })
          : undefined,
      retryStrategy: (attempt) => {
        const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16));
        return Math.max(RECONNECT_BASE_MS, Math.floor(Math.random() * ceiling));
      },
    };
    const redis = new Redis(url, options);
    this.watch(redis, purpose, url);
    this.connections.add(redis);
    return redis;
  }

  /** Closes one connection early (it is also closed on shutdown). */
  async close(redis: Redis): Promise<void> {
    this.connections.delete(redis);
    await quit(redis);
  }

  async onApplicationShutdown(): Promise<void> {
    const all = [...this.connections];
    this.connections.clear();
    await Promise.allSettled(all.map(quit));
  }

  private watch(redis: Redis, purpose: string, url: string): void {
    const log = this.logger.child({ connection: purpose });
    let down = false;
    let failedAttempts = 0;
    redis.on('ready', () => {
      if (down) log.info({ failedAttempts }, 'redis connection restored');
      else log.debug({ url: redactUrl(url) }, 'redis connection ready');
      down = false;
      failedAttempts = 0;
    });
    redis.on('error', (error: Error) => {
      failedAttempts += 1;
      // One line per outage, not one per reconnect attempt.
      if (!down)
        log.warn(
          { err: error, url: redactUrl(url) },
          'redis connection lost; reconnecting in the background',
        );
      down = true;
    });
    redis.on('close', () => {
      if (!down && this.connections.has(redis)) {
        log.warn('redis connection closed; reconnecting in the background');
        down = true;
      }
    });
  }
}

async function quit(redis: Redis): Promise<void> {
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}
