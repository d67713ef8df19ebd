import { SetMetadata } from '@nestjs/common';
import { MESSAGE_HANDLER_METADATA } from './poller.constants.js';

/**
 * Registers a provider's method as the handler of one message type. The
 * method gets (message: PolledMessage, signal: AbortSignal) and returns a
 * promise: resolve to ack, throw to retry, throw UnrecoverableMessageError to
 * dead-letter at once. Handlers must be idempotent on `message.id`.
 *
 * @example
 * ＠Injectable()
 * export class PatientMessageHandler {
 *   ＠MessageHandler('patient.message')
 *   async handle(message: PolledMessage, signal: AbortSignal) { ... }
 * }
 */
export const MessageHandler = (type: string): MethodDecorator =>
  SetMetadata(MESSAGE_HANDLER_METADATA, type);
