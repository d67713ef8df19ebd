import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Post,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import type { MessageStream } from './message-stream.interface.js';
import { MESSAGE_STREAM } from './poller.constants.js';
import { StreamGroupMissingError, StreamUnavailableError } from './poller.errors.js';
import { postMessageSchema } from './post-message.schema.js';

/** POST /messages: appends { type, payload } to the poller's stream. */
@Controller('messages')
@UseGuards(ApiTokenGuard)
export class MessagesController {
  private readonly logger: Logger;

  constructor(
    @Inject(MESSAGE_STREAM) private readonly stream: MessageStream,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'poller' });
  }

  @Post()
  @HttpCode(202)
  async post(@Body() body: unknown): Promise<{ id: string }> {
    const parsed = postMessageSchema.safeParse(body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({
        path: i.path.join('.'),
        message: i.message,
      }));
      this.logger.info(
        { fields: errors.map((e) => e.path) },
        'POST /messages rejected: invalid body',
      );
      throw new BadRequestException({ statusCode: 400, message: 'invalid message', errors });
    }
    const { type, payload, id } = parsed.data;
    try {
      const entryId = await this.stream.append({
        type,
        payload: JSON.stringify(payload),
        ...(id !== undefined && { id }),
      });
      this.logger.debug({ entryId, type }, 'message appended');
      return { id: entryId };
    } catch (error: unknown) {
      if (error instanceof StreamUnavailableError || error instanceof StreamGroupMissingError) {
        this.logger.warn({ err: error, type }, 'POST /messages failed: stream unavailable');
        throw new ServiceUnavailableException('stream unavailable; retry later');
      }
      throw error;
    }
  }
}
