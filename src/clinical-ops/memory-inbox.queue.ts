import type { InMemoryStreams } from '../embedded/in-memory-streams.js';
import { deadLetterRecord, deadLetterStreamOf } from '../streams/dead-letter.format.js';
import type { InboxEntry, InboxQueue, InboxStats } from './inbox-queue.interface.js';

/** The inbox on in-memory streams, for embedded mode (REDIS_URL unset): same group semantics as Redis. */
export class MemoryInboxQueue implements InboxQueue {
  constructor(
    private readonly streams: InMemoryStreams,
    readonly stream: string,
    private readonly group: string,
  ) {}

  ensureGroup(): Promise<void> {
    this.streams.createGroup(this.stream, this.group, '0');
    return Promise.resolve();
  }

  takeOver(consumer: string): Promise<number> {
    let cursor = '0-0';
    let moved = 0;
    do {
      const page = this.streams.autoClaim(this.stream, this.group, consumer, 0, cursor, 500);
      cursor = page.cursor;
      moved += page.entries.length;
    } while (cursor !== '0-0');
    return Promise.resolve(moved);
  }

  readPending(consumer: string, afterId: string, count: number): Promise<InboxEntry[]> {
    const after = afterId === '0' ? '0-0' : afterId;
    return Promise.resolve(
      this.streams
        .readPending(this.stream, this.group, consumer, after, count)
        .map((e) => ({ entryId: e.id, fields: { ...e.fields } })),
    );
  }

  async readNew(
    consumer: string,
    count: number,
    blockMs: number,
    signal: AbortSignal,
  ): Promise<InboxEntry[]> {
    const entries = await this.streams.readNew(
      this.stream,
      this.group,
      consumer,
      count,
      blockMs,
      signal,
    );
    return entries.map((e) => ({ entryId: e.id, fields: { ...e.fields } }));
  }

  ack(entryIds: string[]): Promise<void> {
    this.streams.ack(this.stream, this.group, entryIds);
    return Promise.resolve();
  }

  deadLetter(entry: InboxEntry, reason: string): Promise<void> {
    // Invalid items are dead-lettered at first sight, hence one delivery.
    const info = { reason, deliveryCount: 1, consumer: this.group };
    this.streams.add(
      deadLetterStreamOf(this.stream),
      deadLetterRecord(entry.fields, entry.entryId, info),
    );
    return Promise.resolve();
  }

  append(fields: Record<string, string>): Promise<string> {
    return Promise.resolve(this.streams.add(this.stream, fields));
  }

  stats(): Promise<InboxStats> {
    return Promise.resolve({
      length: this.streams.length(this.stream),
      pending: this.streams.pending(this.stream, this.group).length,
      lag: this.streams.lag(this.stream, this.group),
    });
  }

  closeReader(): Promise<void> {
    return Promise.resolve();
  }
}
