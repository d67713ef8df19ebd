import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import type {
  DeadLetterPage,
  DeadLetterStore,
  RedriveResult,
} from './dead-letter-store.interface.js';
import { DEAD_LETTER_STORE } from './dead-letter.constants.js';

/**
 * The admin API's dead-letter operations: only streams this worker consumes
 * may be named, and every redrive is logged with its ids and counts (never a
 * payload).
 */
@Injectable()
export class DeadLetterService {
  private readonly logger: Logger;
  readonly streams: readonly string[];

  constructor(
    @Inject(DEAD_LETTER_STORE) private readonly store: DeadLetterStore,
    config: ConfigService<Env, true>,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'admin' });
    this.streams = [
      config.get('POLLER_STREAM', { infer: true }),
      config.get('CLINICAL_OPS_INBOX_STREAM', { infer: true }),
    ];
  }

  list(stream: string, page: { limit: number; cursor?: string }): Promise<DeadLetterPage> {
    return this.store.list(this.known(stream), page);
  }

  async redrive(stream: string, ids?: readonly string[]): Promise<RedriveResult> {
    const result = await this.store.redrive(this.known(stream), ids);
    this.logger.info(
      {
        stream,
        requested: ids?.length ?? 'all',
        redriven: result.redriven.length,
        missing: result.missing.length,
        unredrivable: result.unredrivable.length,
        ids: result.redriven.map((r) => `${r.id}->${r.newId}`),
        missingIds: result.missing,
        unredrivableIds: result.unredrivable,
      },
      'dead letters redriven',
    );
    return result;
  }

  count(stream: string): Promise<number> {
    return this.store.count(stream);
  }

  private known(stream: string): string {
    if (this.streams.includes(stream)) return stream;
    this.logger.warn(
      { field: 'params.stream' },
      'admin request named a stream this worker does not consume',
    );
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `stream must be one this worker consumes: ${this.streams.join(', ')}`,
      problems: [{ field: 'params.stream', message: 'unknown stream' }],
    });
  }
}
