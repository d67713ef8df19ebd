import { pageOf, toRecord, toView, type ItemRecord } from './worklist-item.view.js';
import type { ItemPriority } from './inbox-item.schema.js';
import {
  emptyPriorityCounts,
  type EscalateResult,
  type EscalationContext,
  type FencedOutcome,
  type FileResult,
  type NewWorklistItem,
  type PriorityCounts,
  type ResolveResult,
  type WorklistItemView,
  type WorklistPage,
  type WorklistStore,
} from './worklist.interface.js';

export interface MemoryEscalation {
  id: string;
  kind: string;
  priority: string;
  dueAt: string;
  escalatedAt: string;
  stream: string;
}

/** Escalations kept in memory in embedded mode (the newest this many). */
const MAX_ESCALATIONS = 10_000;

/**
 * The worklist in process memory, for embedded mode (REDIS_URL unset). Same
 * semantics as the Redis adapter, fence included; nothing survives a restart.
 */
export class MemoryWorklistStore implements WorklistStore {
  private fence = 0;
  private readonly records = new Map<string, ItemRecord>();
  readonly escalations: MemoryEscalation[] = [];

  claim(token: number): Promise<FencedOutcome<null>> {
    return Promise.resolve(this.fenced(token, () => null));
  }

  file(item: NewWorklistItem, token: number): Promise<FencedOutcome<FileResult>> {
    return Promise.resolve(
      this.fenced(token, (): FileResult => {
        if (this.records.has(item.id)) return 'duplicate';
        this.records.set(item.id, toRecord(item, Date.now()));
        return 'filed';
      }),
    );
  }

  dueForEscalation(now: number, offset: number, limit: number): Promise<string[]> {
    return Promise.resolve(
      this.openRecords()
        .filter((r) => r.escalatedAt === undefined && Number(r.dueAtMs) <= now)
        .slice(offset, offset + limit)
        .map((r) => r.id),
    );
  }

  escalate(
    id: string,
    token: number,
    ctx: EscalationContext,
  ): Promise<FencedOutcome<EscalateResult>> {
    return Promise.resolve(
      this.fenced(token, (): EscalateResult => {
        const record = this.records.get(id);
        if (!record) return 'unknown';
        if (record.status !== 'open') return 'not-open';
        if (record.escalatedAt !== undefined) return 'already-escalated';
        const escalatedAt = new Date(ctx.now).toISOString();
        record.escalatedAt = escalatedAt;
        this.escalations.push({
          id,
          kind: record.kind,
          priority: record.priority,
          dueAt: record.dueAt,
          escalatedAt,
          stream: ctx.stream,
        });
        if (this.escalations.length > MAX_ESCALATIONS) this.escalations.shift();
        return 'escalated';
      }),
    );
  }

  resolve(id: string, now: number): Promise<ResolveResult> {
    const record = this.records.get(id);
    if (!record) return Promise.resolve({ outcome: 'unknown' });
    if (record.status === 'resolved')
      return Promise.resolve({ outcome: 'already-resolved', item: toView(record) });
    record.status = 'resolved';
    record.resolvedAt = new Date(now).toISOString();
    return Promise.resolve({ outcome: 'resolved', item: toView(record) });
  }

  get(id: string): Promise<WorklistItemView | null> {
    const record = this.records.get(id);
    return Promise.resolve(record ? toView(record) : null);
  }

  list(offset: number, limit: number): Promise<WorklistPage> {
    const open = this.openRecords();
    const items = open.slice(offset, offset + limit).map(toView);
    return Promise.resolve(pageOf(items, open.length, offset, limit));
  }

  counts(now: number): Promise<{ open: number; overdue: number }> {
    const open = this.openRecords();
    return Promise.resolve({
      open: open.length,
      overdue: open.filter((r) => Number(r.dueAtMs) <= now).length,
    });
  }

  countsByPriority(now: number): Promise<PriorityCounts> {
    const counts = emptyPriorityCounts();
    for (const r of this.openRecords()) {
      const c = counts[r.priority as ItemPriority];
      if (!c) continue;
      c.open += 1;
      if (Number(r.dueAtMs) <= now) c.overdue += 1;
    }
    return Promise.resolve(counts);
  }

  /** Open records, soonest due first, ties by id (the order of a Redis sorted set). */
  private openRecords(): ItemRecord[] {
    return [...this.records.values()]
      .filter((r) => r.status === 'open')
      .sort(
        (a, b) => Number(a.dueAtMs) - Number(b.dueAtMs) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
  }

  private fenced<T>(token: number, body: () => T): FencedOutcome<T> {
    if (token < this.fence) return { accepted: false, newestToken: this.fence };
    this.fence = token;
    return { accepted: true, result: body() };
  }
}
