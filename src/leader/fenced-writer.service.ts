import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { REDIS_CLIENT } from '../redis/redis.constants.js';
import { evalScript } from './eval-script.js';
import { fencedScript } from './fenced-script.js';

export type FencedResult =
  { accepted: true; result: unknown } | { accepted: false; newestToken: number };

const CLAIM_SCRIPT = fencedScript('');

/**
 * Runs writes that a stale leader must not make: scripts built with
 * fencedScript(), on the shared Redis connection. A refused write is logged at
 * warn with the fence key and both tokens, and returned, never thrown.
 */
@Injectable()
export class FencedWriter {
  private readonly logger: Logger;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'fenced-writer' });
  }

  /**
   * EVALSHA (EVAL when Redis does not know the script) of `script` with
   * KEYS = [fenceKey, ...keys], ARGV = [token, ...args]. `task` only names the
   * writer in the refusal log line. Rejects when Redis fails or is not configured.
   */
  async run(
    script: string,
    fenceKey: string,
    token: number,
    keys: string[],
    args: (string | number)[],
    task?: string,
  ): Promise<FencedResult> {
    if (!this.redis) throw new Error('FencedWriter needs Redis, and REDIS_URL is not set');
    const reply = await evalScript(this.redis, script, [fenceKey, ...keys], [token, ...args]);
    if (!Array.isArray(reply) || (reply[0] !== 'ok' && reply[0] !== 'fenced')) {
      throw new Error(
        `fenced script replied ${JSON.stringify(reply)}; was it built with fencedScript()?`,
      );
    }
    if (reply[0] === 'ok') return { accepted: true, result: reply[1] as unknown };
    const newestToken = Number(reply[1]);
    this.logger.warn(
      { task, fenceKey, fencingToken: token, newestToken },
      'fenced write refused: a newer leadership term has written',
    );
    return { accepted: false, newestToken };
  }

  /** A new leader's first act: raise the fence to its token so older leaders' writes are refused. */
  claim(fenceKey: string, token: number, task?: string): Promise<FencedResult> {
    return this.run(CLAIM_SCRIPT, fenceKey, token, [], [], task);
  }
}
