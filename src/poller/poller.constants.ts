/** DI token of the MessageStream the poller and POST /messages use; null when REDIS_URL is unset. */
export const MESSAGE_STREAM = Symbol('MESSAGE_STREAM');

/** Metadata key that @MessageHandler sets on a method. */
export const MESSAGE_HANDLER_METADATA = 'clinical-ops-worker:message-handler';

/** Name of the supervised task. */
export const POLLER_TASK_NAME = 'message-poller';

/** The dead-letter stream of `stream`. */
export const deadLetterStreamOf = (stream: string): string => `${stream}.dlq`;

/**
 * Fields a dead letter carries besides the original entry's fields. The same
 * names as src/admin/dead-letter.constants.ts (the admin API lists and
 * redrives these entries; test/poller-poison.e2e-spec.ts checks they agree).
 */
export const DEAD_LETTER_FIELDS = {
  reason: 'reason',
  deliveries: 'deliveries',
  error: 'error',
  originalId: 'originalId',
  deadLetteredAt: 'deadLetteredAt',
  consumer: 'consumer',
} as const;

/** The dead-letter fields of one entry, in order, as a flat field/value list. */
export function deadLetterFields(
  entryId: string,
  info: { reason: string; deliveryCount: number; lastError?: string; consumer: string },
): string[] {
  const f = DEAD_LETTER_FIELDS;
  return [
    f.reason,
    info.reason,
    f.deliveries,
    String(info.deliveryCount),
    f.error,
    info.lastError ?? '',
    f.originalId,
    entryId,
    f.deadLetteredAt,
    new Date().toISOString(),
    f.consumer,
    info.consumer,
  ];
}

/**
 * Upper bounds that keep the stall watchdog meaningful whatever the settings:
 * one blocking read and one handler never take longer than these.
 */
export const MAX_BLOCK_MS = 30_000;
export const MAX_HANDLER_MS = 90_000;
/** Well above MAX_BLOCK_MS and MAX_HANDLER_MS: the loop beats after every read and every batch. */
export const POLLER_STALL_TIMEOUT_MS = 150_000;
/** Share of SHUTDOWN_TIMEOUT_MS that in-flight handlers get to finish after the abort. */
export const SHUTDOWN_DRAIN_SHARE = 0.7;
