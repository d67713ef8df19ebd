/** What a message handler gets. */
export interface PolledMessage<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Idempotency key: the entry's `id` field, else the entry id. */
  readonly id: string;
  readonly type: string;
  readonly payload: P;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  readonly entryId: string;
}

/** A @MessageHandler method. Resolve to ack; throw to retry (UnrecoverableMessageError: dead-letter). */
export type MessageHandlerFn = (message: PolledMessage, signal: AbortSignal) => Promise<void>;
