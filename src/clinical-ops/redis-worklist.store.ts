import type { Redis } from 'ioredis';
import { fencedScript } from '../leader/fenced-script.js';
import type { FencedWriter } from '../leader/fenced-writer.service.js';
import { FENCE_KEY, itemKey, OPEN_KEY, UNESCALATED_KEY } from './clinical-ops.constants.js';
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
import { ESCALATE_BODY, FILE_BODY, RESOLVE_SCRIPT } from './worklist.scripts.js';

/** Item hashes read per pipeline when counting by priority. */
const PRIORITY_READ_CHUNK = 500;
/** Names the writer in the fenced writer's refusal log line. */
const WRITER = 'clinical-ops';
const FILE_SCRIPT = fencedScript(FILE_BODY);
const ESCALATE_SCRIPT = fencedScript(ESCALATE_BODY);

/**
 * The worklist in Redis: a hash per item, a sorted set of open items by due
 * time (the worklist) and one of open items not yet escalated (the sweep's
 * index). Every key carries the `{clinical-ops}` hash tag.
 */
export class RedisWorklistStore implements WorklistStore {
  constructor(
    private readonly redis: Redis,
    private readonly writer: FencedWriter,
  ) {}

  async claim(token: number): Promise<FencedOutcome<null>> {
    const outcome = await this.writer.claim(FENCE_KEY, token, WRITER);
    return outcome.accepted ? { accepted: true, result: null } : outcome;
  }

  file(item: NewWorklistItem, token: number): Promise<FencedOutcome<FileResult>> {
    const record = toRecord(item, Date.now());
    return this.fenced<FileResult>(
      FILE_SCRIPT,
      token,
      [itemKey(item.id), OPEN_KEY, UNESCALATED_KEY],
      [item.id, item.dueAt, ...Object.entries(record).flat()],
    );
  }

  dueForEscalation(now: number, offset: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(UNESCALATED_KEY, '-inf', now, 'LIMIT', offset, limit);
  }

  escalate(
    id: string,
    token: number,
    ctx: EscalationContext,
  ): Promise<FencedOutcome<EscalateResult>> {
    return this.fenced<EscalateResult>(
      ESCALATE_SCRIPT,
      token,
      [itemKey(id), UNESCALATED_KEY, ctx.stream],
      [id, new Date(ctx.now).toISOString(), ctx.now],
    );
  }

  async resolve(id: string, now: number): Promise<ResolveResult> {
    const outcome = (await this.redis.eval(
      RESOLVE_SCRIPT,
      3,
      itemKey(id),
      OPEN_KEY,
      UNESCALATED_KEY,
      id,
      new Date(now).toISOString(),
    )) as 'resolved' | 'already-resolved' | 'unknown';
    if (outcome === 'unknown') return { outcome };
    const item = await this.get(id);
    return item ? { outcome, item } : { outcome: 'unknown' };
  }

  async get(id: string): Promise<WorklistItemView | null> {
    const record = (await this.redis.hgetall(itemKey(id))) as ItemRecord;
    return record.id === undefined ? null : toView(record);
  }

  async list(offset: number, limit: number): Promise<WorklistPage> {
    const [ids, total] = await Promise.all([
      this.redis.zrange(OPEN_KEY, offset, offset + limit - 1),
      this.redis.zcard(OPEN_KEY),
    ]);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(itemKey(id));
    const replies = ids.length > 0 ? ((await pipeline.exec()) ?? []) : [];
    const items: WorklistItemView[] = [];
    for (const [error, record] of replies) {
      if (error) throw error;
      // An item resolved between the two reads has left the worklist: skip it.
      if (record && (record as ItemRecord).id !== undefined)
        items.push(toView(record as ItemRecord));
    }
    return pageOf(items, total, offset, limit);
  }

  /** The body's result is the script's status string, whose type the caller names. */
  private async fenced<T>(
    script: string,
    token: number,
    keys: string[],
    args: (string | number)[],
  ): Promise<FencedOutcome<T>> {
    const outcome = await this.writer.run(script, FENCE_KEY, token, keys, args, WRITER);
    return outcome.accepted ? { accepted: true, result: outcome.result as T } : outcome;
  }

  async counts(now: number): Promise<{ open: number; overdue: number }> {
    const [open, overdue] = await Promise.all([
      this.redis.zcard(OPEN_KEY),
      this.redis.zcount(OPEN_KEY, '-inf', now),
    ]);
    return { open, overdue };
  }

  async countsByPriority(now: number): Promise<PriorityCounts> {
    const counts = emptyPriorityCounts();
    const flat = await this.redis.zrange(OPEN_KEY, 0, -1, 'WITHSCORES');
    for (let start = 0; start < flat.length; start += PRIORITY_READ_CHUNK * 2) {
      const chunk = flat.slice(start, start + PRIORITY_READ_CHUNK * 2);
      const pipeline = this.redis.pipeline();
      for (let i = 0; i < chunk.length; i += 2) pipeline.hget(itemKey(chunk[i]), 'priority');
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, priority], n) => {
        if (error) throw error;
        const c = counts[priority as ItemPriority];
        // An item resolved (or removed) between the two reads is no longer open: skip it.
        if (!c) return;
        c.open += 1;
        if (Number(chunk[n * 2 + 1]) <= now) c.overdue += 1;
      });
    }
    return counts;
  }
}
