/** DI token of the MessageStream the poller and POST /messages use; null when REDIS_URL is unset. */
export const MESSAGE_STREAM = Symbol('MESSAGE_STREAM');

/** Metadata key that @MessageHandler sets on a method. */
export const MESSAGE_HANDLER_METADATA = 'clinical-ops-worker:message-handler';

/** Name of the supervised task. */
export const POLLER_TASK_NAME = 'message-poller';

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
