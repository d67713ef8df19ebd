import type { MessageStream } from './message-stream.interface.js';
import type { DeadLetterInfo, StreamEntry, StreamLag } from './stream-entry.interface.js';

interface PendingEntry {
  consumer: string;
  deliveredAt: number;
  count: number;
}

export interface InMemoryMessageStreamOptions {
  stream: string;
  group: string;
  consumer: string;
}

/** "ms-seq" ids compare as two numbers, like Redis stream ids. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/**
 * MessageStream in process memory, for embedded mode (REDIS_URL unset): one
 * process, one group, the same semantics as the Redis adapter (pending
 * entries, delivery counts, claims, dead letters), nothing kept across a
 * restart. Acked entries are dropped at once, so `length` counts the entries
 * not acked yet.
 */
export class InMemoryMessageStream implements MessageStream {
  readonly kind = 'memory';
  readonly name: string;
  readonly group: string;
  readonly consumer: string;
  /** Dead letters, oldest first (fields as the Redis adapter writes them). */
  readonly deadLetters: Record<string, string>[] = [];
  private readonly entries = new Map<string, Record<string, string>>();
  private readonly undelivered: string[] = [];
  private readonly pending = new Map<string, PendingEntry>();
  private readonly waiters = new Set<() => void>();
  private lastMs = 0;
  private seq = 0;

  constructor(options: InMemoryMessageStreamOptions) {
    this.name = options.stream;
    this.group = options.group;
    this.consumer = options.consumer;
  }

  ensureGroup(): Promise<void> {
    return Promise.resolve();
  }

  async readNew(count: number, blockMs: number, signal: AbortSignal): Promise<StreamEntry[]> {
    if (this.undelivered.length === 0 && !signal.aborted) await this.waitForAppend(blockMs, signal);
    if (signal.aborted) return [];
    const ids = this.undelivered.splice(0, count);
    return ids.map((id) => this.deliver(id, 1));
  }

  readOwnPending(
    afterId: string,
    count: number,
  ): Promise<{ cursor: string; entries: StreamEntry[] }> {
    const ids = this.pendingIds(
      (id, p) => p.consumer === this.consumer && compareIds(id, afterId) > 0,
      count,
    );
    const entries = ids.map((id) => this.deliver(id, (this.pending.get(id)?.count ?? 0) + 1));
    return Promise.resolve({ cursor: ids.at(-1) ?? '', entries });
  }

  claim(entryIds: readonly string[], minIdleMs: number): Promise<StreamEntry[]> {
    const now = Date.now();
    const entries = entryIds
      .filter((id) => {
        const p = this.pending.get(id);
        return p !== undefined && now - p.deliveredAt >= minIdleMs;
      })
      .map((id) => this.deliver(id, (this.pending.get(id)?.count ?? 0) + 1));
    return Promise.resolve(entries);
  }

  claimIdle(
    minIdleMs: number,
    cursor: string,
    count: number,
  ): Promise<{ cursor: string; entries: StreamEntry[] }> {
    const now = Date.now();
    const ids = this.pendingIds(
      (id, p) => compareIds(id, cursor) >= 0 && now - p.deliveredAt >= minIdleMs,
      count + 1,
    );
    const next = ids.length > count ? (ids.pop() ?? '0-0') : '0-0';
    const entries = ids.map((id) => this.deliver(id, (this.pending.get(id)?.count ?? 0) + 1));
    return Promise.resolve({ cursor: next, entries });
  }

  ack(entryIds: readonly string[]): Promise<void> {
    for (const id of entryIds) {
      if (this.pending.delete(id)) this.entries.delete(id);
    }
    return Promise.resolve();
  }

  deadLetter(entry: StreamEntry, info: DeadLetterInfo): Promise<void> {
    this.deadLetters.push({
      ...entry.fields,
      'dlq.reason': info.reason,
      'dlq.deliveryCount': String(info.deliveryCount),
      'dlq.lastError': info.lastError ?? '',
      'dlq.consumer': info.consumer,
      'dlq.at': new Date().toISOString(),
      'dlq.sourceStream': this.name,
      'dlq.sourceEntryId': entry.entryId,
      'dlq.group': this.group,
    });
    return this.ack([entry.entryId]);
  }

  append(fields: Readonly<Record<string, string>>): Promise<string> {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else this.seq++;
    const id = `${this.lastMs}-${this.seq}`;
    this.entries.set(id, { ...fields });
    this.undelivered.push(id);
    for (const wake of [...this.waiters]) wake();
    return Promise.resolve(id);
  }

  lag(): Promise<StreamLag> {
    return Promise.resolve({
      stream: this.name,
      group: this.group,
      length: this.entries.size,
      pending: this.pending.size,
      lag: this.undelivered.length,
      consumers: 1,
    });
  }

  private deliver(id: string, count: number): StreamEntry {
    this.pending.set(id, { consumer: this.consumer, deliveredAt: Date.now(), count });
    return { entryId: id, fields: this.entries.get(id) ?? {}, deliveryCount: count };
  }

  private pendingIds(match: (id: string, p: PendingEntry) => boolean, limit: number): string[] {
    return [...this.pending.entries()]
      .filter(([id, p]) => match(id, p))
      .map(([id]) => id)
      .sort(compareIds)
      .slice(0, limit);
  }

  private waitForAppend(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
