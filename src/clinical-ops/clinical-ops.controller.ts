import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { INBOX_QUEUE, WORKLIST_STORE } from './clinical-ops.constants.js';
import { fieldErrors, inboxRequestSchema } from './inbox-item.schema.js';
import type { InboxQueue } from './inbox-queue.interface.js';
import type { WorklistItemView, WorklistPage, WorklistStore } from './worklist.interface.js';

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.coerce.number().int().min(0).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

/**
 * The worklist over HTTP. Nothing here returns a payload or a patient
 * reference. Resolve is not fenced: it is an operator action, valid from any
 * replica, and idempotent.
 */
@Controller('clinical-ops')
@UseGuards(ApiTokenGuard)
export class ClinicalOpsController {
  private readonly logger: Logger;

  constructor(
    @Inject(WORKLIST_STORE) private readonly store: WorklistStore,
    @Inject(INBOX_QUEUE) private readonly queue: InboxQueue,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'clinical-ops' });
  }

  @Get('worklist')
  async worklist(@Query() query: Record<string, unknown>): Promise<WorklistPage> {
    const parsed = pageQuery.safeParse(query);
    if (!parsed.success)
      throw new BadRequestException({
        statusCode: 400,
        message: 'invalid query',
        errors: fieldErrors(parsed.error),
      });
    const { limit, cursor, offset } = parsed.data;
    return this.guarded('list worklist', () => this.store.list(cursor ?? offset ?? 0, limit));
  }

  @Get('items/:id')
  async item(@Param('id') id: string): Promise<WorklistItemView> {
    const item = await this.guarded('read item', () => this.store.get(id));
    if (!item) throw new NotFoundException(`no item ${id}`);
    return item;
  }

  @Post('items/:id/resolve')
  @HttpCode(200)
  async resolve(
    @Param('id') id: string,
  ): Promise<{ outcome: 'resolved' | 'already-resolved'; item: WorklistItemView }> {
    const result = await this.guarded('resolve item', () => this.store.resolve(id, Date.now()));
    if (result.outcome === 'unknown') throw new NotFoundException(`no item ${id}`);
    this.logger.info(
      {
        itemId: id,
        kind: result.item.kind,
        priority: result.item.priority,
        outcome: result.outcome,
      },
      'worklist item resolved',
    );
    return result;
  }

  @Post('inbox')
  @HttpCode(202)
  async inbox(@Body() body: unknown): Promise<{ entryId: string; id: string }> {
    const parsed = inboxRequestSchema.safeParse(body);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      this.logger.warn({ fields: errors.map((e) => e.path) }, 'inbox item rejected');
      throw new BadRequestException({ statusCode: 400, message: 'invalid inbox item', errors });
    }
    const item = parsed.data;
    const fields: Record<string, string> = {
      id: item.id,
      kind: item.kind,
      priority: item.priority,
      patientRef: item.patientRef,
      receivedAt: item.receivedAt ?? new Date().toISOString(),
      payload: JSON.stringify(item.payload),
      source: item.source ?? 'http',
    };
    const entryId = await this.guarded('append to inbox', () => this.queue.append(fields));
    this.logger.info(
      { itemId: item.id, kind: item.kind, priority: item.priority, entryId },
      'inbox item accepted',
    );
    return { entryId, id: item.id };
  }

  /** Redis (or the store) failing is a 503 with what failed; logged once, here. */
  private async guarded<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error: unknown) {
      this.logger.error(
        { err: error, action: what },
        'clinical-ops request failed: store unavailable',
      );
      throw new ServiceUnavailableException(`could not ${what}: the worklist store is unavailable`);
    }
  }
}
