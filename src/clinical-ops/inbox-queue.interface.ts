/** One inbox stream entry; `fields` is null when the entry was deleted while pending. */
export interface InboxEntry {
  entryId: string;
  fields: Record<string, string> | null;
}

export interface InboxStats {
  length: number;
  pending: number;
  lag: number | null;
}

/**
 * The inbox stream as the processor and the HTTP layer use it: one consumer
 * group, read in order. Redis Streams first; an in-memory queue in embedded mode.
 */
export interface InboxQueue {
  readonly stream: string;
  /** Creates the consumer group (and the stream) if missing. */
  ensureGroup(): Promise<void>;
  /** Moves every entry pending in the group, whoever holds it, to `consumer`. Returns how many moved. */
  takeOver(consumer: string): Promise<number>;
  /** This consumer's pending entries with ids after `afterId`, oldest first. */
  readPending(consumer: string, afterId: string, count: number): Promise<InboxEntry[]>;
  /** Entries never delivered before, oldest first; waits up to `blockMs` for one. */
  readNew(
    consumer: string,
    count: number,
    blockMs: number,
    signal: AbortSignal,
  ): Promise<InboxEntry[]>;
  ack(entryIds: string[]): Promise<void>;
  /** Appends the entry's fields and the reason to `<stream>.dlq`. */
  deadLetter(entry: InboxEntry, reason: string): Promise<void>;
  /** Appends an entry (POST /clinical-ops/inbox); returns its id. */
  append(fields: Record<string, string>): Promise<string>;
  /** Stream length, entries pending in the group, and entries not yet delivered to it (null: unknown). */
  stats(): Promise<InboxStats>;
  /** Closes the reader's connection, if any. */
  closeReader(): Promise<void>;
}
