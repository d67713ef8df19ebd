import type { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env.schema.js';
import { MAX_BLOCK_MS, MAX_HANDLER_MS, SHUTDOWN_DRAIN_SHARE } from './poller.constants.js';

/** The poller's settings, resolved once from the validated environment. */
export interface PollerSettings {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly batchSize: number;
  readonly blockMs: number;
  readonly concurrency: number;
  readonly maxDeliveries: number;
  readonly visibilityTimeoutMs: number;
  readonly retryBackoffMs: number;
  readonly claimIntervalMs: number;
  /** A handler still running after this long counts as failed (and is retried). */
  readonly handlerTimeoutMs: number;
  /** After the abort, in-flight handlers get this long to finish. */
  readonly drainMs: number;
}

export function pollerSettings(config: ConfigService<Env, true>): PollerSettings {
  const get = <K extends keyof Env>(key: K): Env[K] => config.get(key, { infer: true });
  const visibilityTimeoutMs = get('POLLER_VISIBILITY_TIMEOUT_MS');
  return {
    stream: get('POLLER_STREAM'),
    group: get('POLLER_GROUP'),
    consumer: get('INSTANCE_ID'),
    batchSize: get('POLLER_BATCH_SIZE'),
    blockMs: Math.min(get('POLLER_BLOCK_MS'), MAX_BLOCK_MS),
    concurrency: get('POLLER_CONCURRENCY'),
    maxDeliveries: get('POLLER_MAX_DELIVERIES'),
    visibilityTimeoutMs,
    retryBackoffMs: get('POLLER_RETRY_BACKOFF_MS'),
    claimIntervalMs: get('POLLER_CLAIM_INTERVAL_MS'),
    handlerTimeoutMs: Math.min(visibilityTimeoutMs, MAX_HANDLER_MS),
    drainMs: Math.floor(get('SHUTDOWN_TIMEOUT_MS') * SHUTDOWN_DRAIN_SHARE),
  };
}
