import { EventEmitter } from 'node:events';

export interface MemoryEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface MemoryDelivery extends MemoryEntry {
  /** Times delivered, this one included (Redis's delivery counter). */
  readonly deliveryCount: number;
}

interface PendingEntry {
  consumer: string;
  deliveryCount: number;
  deliveredAt: number;
}

interface Group {
  lastDeliveredId: string;
  readonly pending: Map<string, PendingEntry>;
}

interface Stream {
  readonly entries: MemoryEntry[];
  readonly byId: Map<string, MemoryEntry>;
  readonly groups: Map<string, Group>;
  lastId: string;
}

/**
 * Redis Streams semantics in memory, for embedded single-instance mode: XADD,
 * consumer groups with a pending-entries list and delivery counts, XACK, XCLAIM,
 * XAUTOCLAIM, XRANGE, XDEL. Enough for the poller's and the inbox's contracts,
 * which run the same contract tests against this and against Redis.
 * Lost on exit by design: embedded mode is for one instance trying things out.
 */
export class InMemoryStreams {
  private readonly streams = new Map<string, Stream>();
  private readonly appended = new EventEmitter();
  private sequence = 0;
  private lastMs = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.appended.setMaxListeners(0);
  }

  add(stream: string, fields: Readonly<Record<string, string>>): string {
    const s = this.stream(stream, true);
    const ms = Math.max(this.now(), this.lastMs);
    this.sequence = ms === this.lastMs ? this.sequence + 1 : 0;
    this.lastMs = ms;
    const id = `${ms}-${this.sequence}`;
    const entry = { id, fields: { ...fields } };
    s.entries.push(entry);
    s.byId.set(id, entry);
    s.lastId = id;
    this.appended.emit(stream);
    return id;
  }

  /** XGROUP CREATE; `from` '$' starts at the end, '0' at the beginning. Returns false if it existed. */
  createGroup(stream: string, group: string, from: '$' | '0' = '$'): boolean {
    const s = this.stream(stream, true);
    if (s.groups.has(group)) return false;
    s.groups.set(group, { lastDeliveredId: from === '$' ? s.lastId : '0-0', pending: new Map() });
    return true;
  }

  hasGroup(stream: string, group: string): boolean {
    return this.streams.get(stream)?.groups.has(group) ?? false;
  }

  /** XREADGROUP ... STREAMS s '>': new entries, waiting up to `blockMs` (0: do not wait). */
  async readNew(
    stream: string,
    group: string,
    consumer: string,
    count: number,
    blockMs: number,
    signal?: AbortSignal,
  ): Promise<MemoryDelivery[]> {
    const immediate = this.deliverNew(stream, group, consumer, count);
    if (immediate.length > 0 || blockMs <= 0 || signal?.aborted) return immediate;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.appended.off(stream, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, blockMs);
      this.appended.on(stream, done);
      signal?.addEventListener('abort', done, { once: true });
    });
    return signal?.aborted ? [] : this.deliverNew(stream, group, consumer, count);
  }

  /** XREADGROUP with an id: this consumer's pending entries after `afterId`, delivered again. */
  readPending(
    stream: string,
    group: string,
    consumer: string,
    afterId: string,
    count: number,
  ): MemoryDelivery[] {
    const { s, g } = this.group(stream, group);
    const out: MemoryDelivery[] = [];
    for (const [id, p] of [...g.pending].sort(([a], [b]) => compareIds(a, b))) {
      if (out.length >= count) break;
      if (p.consumer !== consumer || compareIds(id, afterId) <= 0) continue;
      const entry = find(s, id);
      if (!entry) continue;
      p.deliveryCount += 1;
      p.deliveredAt = this.now();
      out.push({ ...entry, deliveryCount: p.deliveryCount });
    }
    return out;
  }

  ack(stream: string, group: string, ids: readonly string[]): number {
    const g = this.streams.get(stream)?.groups.get(group);
    if (!g) return 0;
    return ids.filter((id) => g.pending.delete(id)).length;
  }

  /** XCLAIM: the given pending entries idle for at least `minIdleMs` move to `consumer`. */
  claim(
    stream: string,
    group: string,
    consumer: string,
    ids: readonly string[],
    minIdleMs: number,
  ): MemoryDelivery[] {
    const { s, g } = this.group(stream, group);
    const out: MemoryDelivery[] = [];
    for (const id of ids) {
      const p = g.pending.get(id);
      if (!p || this.now() - p.deliveredAt < minIdleMs) continue;
      const entry = find(s, id);
      if (!entry) {
        g.pending.delete(id);
        continue;
      }
      Object.assign(p, { consumer, deliveryCount: p.deliveryCount + 1, deliveredAt: this.now() });
      out.push({ ...entry, deliveryCount: p.deliveryCount });
    }
    return out;
  }

  /** XAUTOCLAIM: one page of entries idle past `minIdleMs`; the next cursor is '0-0' when done. */
  autoClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    cursor: string,
    count: number,
  ): { cursor: string; entries: MemoryDelivery[] } {
    const { g } = this.group(stream, group);
    const ids = [...g.pending.keys()].filter((id) => compareIds(id, cursor) >= 0).sort(compareIds);
    const page = ids.slice(0, count);
    const next = ids.length > count ? ids[count] : '0-0';
    return { cursor: next, entries: this.claim(stream, group, consumer, page, minIdleMs) };
  }

  pending(
    stream: string,
    group: string,
  ): { id: string; consumer: string; deliveryCount: number; idleMs: number }[] {
    const g = this.streams.get(stream)?.groups.get(group);
    if (!g) return [];
    return [...g.pending]
      .sort(([a], [b]) => compareIds(a, b))
      .map(([id, p]) => ({
        id,
        consumer: p.consumer,
        deliveryCount: p.deliveryCount,
        idleMs: this.now() - p.deliveredAt,
      }));
  }

  /** Entries added after the group's last delivered id (XINFO GROUPS lag). */
  lag(stream: string, group: string): number {
    const s = this.streams.get(stream);
    const g = s?.groups.get(group);
    if (!s || !g) return 0;
    return s.entries.filter((e) => compareIds(e.id, g.lastDeliveredId) > 0).length;
  }

  length(stream: string): number {
    return this.streams.get(stream)?.entries.length ?? 0;
  }

  /** XRANGE start end COUNT n, ids inclusive; '-' and '+' for the ends. */
  range(stream: string, start = '-', end = '+', count = Number.MAX_SAFE_INTEGER): MemoryEntry[] {
    const entries = this.streams.get(stream)?.entries ?? [];
    return entries
      .filter(
        (e) =>
          (start === '-' || compareIds(e.id, start) >= 0) &&
          (end === '+' || compareIds(e.id, end) <= 0),
      )
      .slice(0, count);
  }

  del(stream: string, ids: readonly string[]): number {
    const s = this.streams.get(stream);
    if (!s) return 0;
    const wanted = new Set(ids);
    const before = s.entries.length;
    const kept = s.entries.filter((e) => !wanted.has(e.id));
    for (const id of ids) s.byId.delete(id);
    s.entries.splice(0, s.entries.length, ...kept);
    return before - kept.length;
  }

  private deliverNew(
    stream: string,
    group: string,
    consumer: string,
    count: number,
  ): MemoryDelivery[] {
    const { s, g } = this.group(stream, group);
    const fresh = s.entries.filter((e) => compareIds(e.id, g.lastDeliveredId) > 0).slice(0, count);
    for (const e of fresh)
      g.pending.set(e.id, { consumer, deliveryCount: 1, deliveredAt: this.now() });
    if (fresh.length > 0) g.lastDeliveredId = fresh[fresh.length - 1].id;
    return fresh.map((e) => ({ ...e, deliveryCount: 1 }));
  }

  private group(stream: string, group: string): { s: Stream; g: Group } {
    const s = this.streams.get(stream);
    const g = s?.groups.get(group);
    if (!s || !g) throw new Error(`NOGROUP No such key '${stream}' or consumer group '${group}'`);
    return { s, g };
  }

  private stream(name: string, create: boolean): Stream {
    let s = this.streams.get(name);
    if (!s && create) {
      s = { entries: [], byId: new Map(), groups: new Map(), lastId: '0-0' };
      this.streams.set(name, s);
    }
    if (!s) throw new Error(`no stream ${name}`);
    return s;
  }
}

/** Orders stream ids "ms-seq" numerically. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || (as ?? 0) - (bs ?? 0);
}

function find(s: Stream, id: string): MemoryEntry | undefined {
  return s.byId.get(id);
}
