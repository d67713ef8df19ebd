import type { DeadLetterInfo } from '../streams/dead-letter.format.js';
import type { StreamEntry, StreamLag } from './stream-entry.interface.js';

/**
 * The stream the poller consumes, as one consumer of one group. Redis Streams
 * is the first adapter (RedisMessageStream); an in-memory one can stand in
 * when REDIS_URL is unset. Every method fails with StreamUnavailableError
 * while the backend is unreachable and with StreamGroupMissingError when the
 * group vanished (a Redis restarted without persistence).
 */
export interface MessageStream {
  /** `memory`: embedded mode, nothing survives a restart. */
  readonly kind: 'redis' | 'memory';
  readonly name: string;
  readonly group: string;
  readonly consumer: string;
  /**
   * Creates the group (and the stream) unless it exists, at the end of the
   * stream by default; `from: 'start'` after the group vanished with its data,
   * so entries appended since are not skipped.
   */
  ensureGroup(from?: 'end' | 'start'): Promise<void>;
  /** New entries for this consumer; waits up to `blockMs`; resolves [] at once when `signal` aborts. */
  readNew(count: number, blockMs: number, signal: AbortSignal): Promise<StreamEntry[]>;
  /**
   * This consumer's own pending entries with ids after `afterId` ("0-0": from
   * the start), claimed again (delivery count + 1). `cursor` is the last id
   * looked at, "" when there were none.
   */
  readOwnPending(
    afterId: string,
    count: number,
  ): Promise<{ cursor: string; entries: StreamEntry[] }>;
  /** Claims the given pending entries for this consumer if idle for at least `minIdleMs`. */
  claim(entryIds: readonly string[], minIdleMs: number): Promise<StreamEntry[]>;
  /** XAUTOCLAIM: entries of any consumer idle past `minIdleMs`, one page from `cursor`. */
  claimIdle(
    minIdleMs: number,
    cursor: string,
    count: number,
  ): Promise<{ cursor: string; entries: StreamEntry[] }>;
  ack(entryIds: readonly string[]): Promise<void>;
  /** Writes the entry to the dead-letter stream and acks it, atomically. */
  deadLetter(entry: StreamEntry, info: DeadLetterInfo): Promise<void>;
  /** Appends an entry; resolves with its id. */
  append(fields: Readonly<Record<string, string>>): Promise<string>;
  lag(signal: AbortSignal): Promise<StreamLag>;
  /** Entries in this stream's dead-letter stream (`<stream>.dlq`). */
  deadLetterCount(signal: AbortSignal): Promise<number>;
}
