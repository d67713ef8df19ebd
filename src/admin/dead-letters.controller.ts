import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { listQuerySchema, redriveBodySchema } from './dead-letter-request.schema.js';
import type { DeadLetterPage, RedriveResult } from './dead-letter-store.interface.js';
import { DeadLetterStoreUnavailableError } from './dead-letter.errors.js';
import { DeadLetterService } from './dead-letter.service.js';
import { parseOrBadRequest } from './zod-validation.js';

/**
 * GET  /admin/dead-letters/:stream?limit=&cursor=  one page, payloads included (admins only)
 * POST /admin/dead-letters/:stream/redrive  { ids?: string[] }  all, or the named ids
 */
@Controller('admin/dead-letters')
@UseGuards(AdminTokenGuard)
export class DeadLettersController {
  private readonly logger: Logger;

  constructor(
    private readonly deadLetters: DeadLetterService,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'admin' });
  }

  @Get(':stream')
  list(@Param('stream') stream: string, @Query() query: unknown): Promise<DeadLetterPage> {
    const page = parseOrBadRequest(listQuerySchema, query, 'query');
    return this.unavailableAs503(stream, 'list', () => this.deadLetters.list(stream, page));
  }

  @Post(':stream/redrive')
  @HttpCode(200)
  redrive(@Param('stream') stream: string, @Body() body: unknown): Promise<RedriveResult> {
    const { ids } = parseOrBadRequest(redriveBodySchema, body, 'body');
    return this.unavailableAs503(stream, 'redrive', () => this.deadLetters.redrive(stream, ids));
  }

  /** Store failures (Redis down, embedded mode) are 503 with the reason; bad input stays 400. */
  private async unavailableAs503<T>(
    stream: string,
    op: string,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error: unknown) {
      if (isHttpError(error)) throw error;
      // The expected "no adapter" case needs no stack; a Redis failure keeps its own.
      const detail =
        error instanceof DeadLetterStoreUnavailableError
          ? { reason: error.message }
          : { err: error };
      this.logger.warn({ ...detail, stream, op }, 'dead-letter store unavailable');
      throw new ServiceUnavailableException(error instanceof Error ? error.message : String(error));
    }
  }
}

function isHttpError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'getStatus' in error;
}
