/**
 * The dead-letter stream layout, in one place so it can be aligned with the
 * poller that writes it. A dead-letter stream is `<stream>` + DEAD_LETTER_SUFFIX;
 * each entry holds the original entry's fields plus the fields below.
 */
export const DEAD_LETTER_SUFFIX = '.dlq';

export const DEAD_LETTER_FIELDS = {
  reason: 'reason',
  deliveries: 'deliveries',
  error: 'error',
  originalId: 'originalId',
  deadLetteredAt: 'deadLetteredAt',
  /** The consumer that dead-lettered the entry (written by the poller). */
  consumer: 'consumer',
} as const;

/** Stripped on redrive: the redriven entry carries only the original fields. */
export const DEAD_LETTER_FIELD_NAMES: readonly string[] = Object.values(DEAD_LETTER_FIELDS);

/** DI token of the DeadLetterStore. */
export const DEAD_LETTER_STORE = Symbol('DEAD_LETTER_STORE');

export const DEAD_LETTER_PAGE_DEFAULT = 50;
export const DEAD_LETTER_PAGE_MAX = 500;
/** Page size when redriving a whole stream. */
export const REDRIVE_BATCH = 100;
/** Most ids one redrive request may name. */
export const REDRIVE_MAX_IDS = 1_000;

export const deadLetterStreamOf = (stream: string): string => `${stream}${DEAD_LETTER_SUFFIX}`;
