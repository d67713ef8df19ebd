import { EventEmitter } from 'node:events';
import type { InboxEntry, InboxQueue } from './inbox-queue.interface.js';

interface StoredEntry {
  entryId: string;
  fields: Record<string, string>;
  consumer?: string;
  acked: boolean;
}

/** The inbox in process memory, for embedded mode (REDIS_URL unset): one group, same order rules. */
export class MemoryInboxQueue implements InboxQueue {
  private readonly entries: StoredEntry[] = [];
  private readonly events = new EventEmitter();
  private nextDelivery = 0;
  private seq = 0;
  readonly deadLetters: { entryId: string; fields: Record<string, string>; reason: string }[] = [];

  constructor(readonly stream: string) {
    this.events.setMaxListeners(0);
  }

  ensureGroup(): Promise<void> {
    return Promise.resolve();
  }

  takeOver(consumer: string): Promise<number> {
    let moved = 0;
    for (const entry of this.entries.slice(0, this.nextDelivery)) {
      if (!entry.acked && entry.consumer !== consumer) {
        entry.consumer = consumer;
        moved += 1;
      }
    }
    return Promise.resolve(moved);
  }

  readPending(consumer: string, afterId: string, count: number): Promise<InboxEntry[]> {
    const after = this.entries.findIndex((e) => e.entryId === afterId);
    return Promise.resolve(
      this.entries
        .slice(after + 1, this.nextDelivery)
        .filter((e) => !e.acked && e.consumer === consumer)
        .slice(0, count)
        .map((e) => ({ entryId: e.entryId, fields: { ...e.fields } })),
    );
  }

  async readNew(
    consumer: string,
    count: number,
    blockMs: number,
    signal: AbortSignal,
  ): Promise<InboxEntry[]> {
    if (this.nextDelivery >= this.entries.length && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.events.off('append', done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, blockMs);
        this.events.on('append', done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
    const batch = this.entries.slice(this.nextDelivery, this.nextDelivery + count);
    this.nextDelivery += batch.length;
    for (const entry of batch) entry.consumer = consumer;
    return batch.map((e) => ({ entryId: e.entryId, fields: { ...e.fields } }));
  }

  ack(entryIds: string[]): Promise<void> {
    const ids = new Set(entryIds);
    for (const entry of this.entries) if (ids.has(entry.entryId)) entry.acked = true;
    // Acked entries before the delivery point are of no further use: trim them.
    while (this.entries.length > 0 && this.entries[0].acked && this.nextDelivery > 0) {
      this.entries.shift();
      this.nextDelivery -= 1;
    }
    return Promise.resolve();
  }

  deadLetter(entry: InboxEntry, reason: string): Promise<void> {
    this.deadLetters.push({ entryId: entry.entryId, fields: { ...entry.fields }, reason });
    return Promise.resolve();
  }

  append(fields: Record<string, string>): Promise<string> {
    const entryId = `${Date.now()}-${this.seq++}`;
    this.entries.push({ entryId, fields: { ...fields }, acked: false });
    this.events.emit('append');
    return Promise.resolve(entryId);
  }

  stats(): Promise<{ length: number; pending: number }> {
    const pending = this.entries.slice(0, this.nextDelivery).filter((e) => !e.acked).length;
    return Promise.resolve({ length: this.entries.length, pending });
  }

  closeReader(): Promise<void> {
    return Promise.resolve();
  }
}
