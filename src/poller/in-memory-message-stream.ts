import type { InMemoryStreams, MemoryDelivery } from '../embedded/in-memory-streams.js';
import type { MessageStream } from './message-stream.interface.js';
import { deadLetterRecord, deadLetterStreamOf } from '../streams/dead-letter.format.js';
import { StreamGroupMissingError } from './poller.errors.js';
import type { DeadLetterInfo } from '../streams/dead-letter.format.js';
import type { StreamEntry, StreamLag } from './stream-entry.interface.js';

export interface InMemoryMessageStreamOptions {
  stream: string;
  group: string;
  consumer: string;
}

/**
 * MessageStream over InMemoryStreams, for embedded mode (REDIS_URL unset):
 * the same semantics as the Redis adapter (pending entries, delivery counts,
 * claims, a dead-letter stream), one process, nothing kept across a restart.
 */
export class InMemoryMessageStream implements MessageStream {
  readonly kind = 'memory';
  readonly name: string;
  readonly group: string;
  readonly consumer: string;
  private readonly dlq: string;

  constructor(
    private readonly streams: InMemoryStreams,
    options: InMemoryMessageStreamOptions,
  ) {
    this.name = options.stream;
    this.group = options.group;
    this.consumer = options.consumer;
    this.dlq = deadLetterStreamOf(options.stream);
  }

  ensureGroup(from: 'end' | 'start' = 'end'): Promise<void> {
    this.streams.createGroup(this.name, this.group, from === 'end' ? '$' : '0');
    return Promise.resolve();
  }

  async readNew(count: number, blockMs: number, signal: AbortSignal): Promise<StreamEntry[]> {
    return this.guard(async () =>
      (
        await this.streams.readNew(this.name, this.group, this.consumer, count, blockMs, signal)
      ).map(toEntry),
    );
  }

  readOwnPending(
    afterId: string,
    count: number,
  ): Promise<{ cursor: string; entries: StreamEntry[] }> {
    return this.guard(() => {
      const entries = this.streams
        .readPending(this.name, this.group, this.consumer, afterId, count)
        .map(toEntry);
      return Promise.resolve({ cursor: entries.at(-1)?.entryId ?? '', entries });
    });
  }

  claim(entryIds: readonly string[], minIdleMs: number): Promise<StreamEntry[]> {
    return this.guard(() =>
      Promise.resolve(
        this.streams.claim(this.name, this.group, this.consumer, entryIds, minIdleMs).map(toEntry),
      ),
    );
  }

  claimIdle(
    minIdleMs: number,
    cursor: string,
    count: number,
  ): Promise<{ cursor: string; entries: StreamEntry[] }> {
    return this.guard(() => {
      const page = this.streams.autoClaim(
        this.name,
        this.group,
        this.consumer,
        minIdleMs,
        cursor,
        count,
      );
      return Promise.resolve({ cursor: page.cursor, entries: page.entries.map(toEntry) });
    });
  }

  ack(entryIds: readonly string[]): Promise<void> {
    this.streams.ack(this.name, this.group, entryIds);
    return Promise.resolve();
  }

  deadLetter(entry: StreamEntry, info: DeadLetterInfo): Promise<void> {
    this.streams.add(this.dlq, deadLetterRecord(entry.fields, entry.entryId, info));
    return this.ack([entry.entryId]);
  }

  append(fields: Readonly<Record<string, string>>): Promise<string> {
    return Promise.resolve(this.streams.add(this.name, fields));
  }

  lag(): Promise<StreamLag> {
    return Promise.resolve({
      stream: this.name,
      group: this.group,
      length: this.streams.length(this.name),
      pending: this.streams.pending(this.name, this.group).length,
      lag: this.streams.lag(this.name, this.group),
      consumers: 1,
    });
  }

  deadLetterCount(): Promise<number> {
    return Promise.resolve(this.streams.length(this.dlq));
  }

  /** InMemoryStreams throws "NOGROUP ..." like Redis; map it to the stream's error type. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error: unknown) {
      if (error instanceof Error && error.message.startsWith('NOGROUP'))
        throw new StreamGroupMissingError(this.name, this.group, { cause: error });
      throw error;
    }
  }
}

function toEntry(delivery: MemoryDelivery): StreamEntry {
  return { entryId: delivery.id, fields: delivery.fields, deliveryCount: delivery.deliveryCount };
}
