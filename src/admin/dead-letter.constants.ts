/** DI token of the DeadLetterStore. The dead-letter layout itself is src/streams/dead-letter.format.ts. */
export const DEAD_LETTER_STORE = Symbol('DEAD_LETTER_STORE');

export const DEAD_LETTER_PAGE_DEFAULT = 50;
export const DEAD_LETTER_PAGE_MAX = 500;
/** Page size when redriving a whole stream. */
export const REDRIVE_BATCH = 100;
/** Most ids one redrive request may name. */
export const REDRIVE_MAX_IDS = 1_000;
