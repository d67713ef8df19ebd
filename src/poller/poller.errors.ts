/**
 * Thrown by a handler for a message that can never succeed (invalid payload):
 * the poller dead-letters it at once instead of retrying.
 */
export class UnrecoverableMessageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnrecoverableMessageError';
  }
}

/** Boot-time error: two @MessageHandler methods for one type. */
export class DuplicateMessageHandlerError extends Error {
  constructor(type: string, first: string, second: string) {
    super(`Two message handlers for type "${type}": ${first} and ${second}`);
    this.name = 'DuplicateMessageHandlerError';
  }
}

/** The stream's backend is unreachable (connection lost, command timed out). Transient. */
export class StreamUnavailableError extends Error {
  constructor(operation: string, cause?: unknown) {
    // The cause's text goes into the message (what /health shows), not into `cause` (logged twice).
    super(`stream ${operation} failed${cause instanceof Error ? `: ${cause.message}` : ''}`);
    this.name = 'StreamUnavailableError';
  }
}

/** The consumer group does not exist (Redis restarted empty); create it and go on. */
export class StreamGroupMissingError extends Error {
  constructor(stream: string, group: string, options?: ErrorOptions) {
    super(`consumer group "${group}" of stream "${stream}" does not exist`, options);
    this.name = 'StreamGroupMissingError';
  }
}
