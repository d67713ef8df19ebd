import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../../logging/logging.constants.js';
import { MessageHandler } from '../message-handler.decorator.js';
import type { PolledMessage } from '../message.interface.js';
import { UnrecoverableMessageError } from '../poller.errors.js';
import { ClinicalInboxWriter } from './clinical-inbox.writer.js';
import { describeIssues, patientMessageSchema } from './patient-message.schema.js';

/**
 * `patient.message`: validates the payload; one that needs clinical review
 * becomes an item on the clinical-ops inbox (once per messageId); others are
 * simply acked. Logs carry ids, channel and priority, never body or patientRef.
 */
@Injectable()
export class PatientMessageHandler {
  private readonly logger: Logger;

  constructor(
    private readonly inbox: ClinicalInboxWriter,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'poller', handler: 'patient.message' });
  }

  @MessageHandler('patient.message')
  async handle(message: PolledMessage): Promise<void> {
    const parsed = patientMessageSchema.safeParse(message.payload);
    if (!parsed.success)
      throw new UnrecoverableMessageError(`invalid payload: ${describeIssues(parsed.error)}`);
    const payload = parsed.data;
    const context = {
      id: message.id,
      messageId: payload.messageId,
      channel: payload.channel,
      priority: payload.priority,
    };
    if (!payload.needsClinicalReview) {
      this.logger.debug(context, 'patient message needs no review');
      return;
    }
    const inboxEntryId = await this.inbox.append(payload);
    if (inboxEntryId === null)
      this.logger.info(context, 'patient message already on the clinical-ops inbox; skipped');
    else
      this.logger.info({ ...context, inboxEntryId }, 'patient message filed for clinical review');
  }
}
