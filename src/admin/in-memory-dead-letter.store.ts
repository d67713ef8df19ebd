import { compareIds, type InMemoryStreams } from '../embedded/in-memory-streams.js';
import type {
  DeadLetterPage,
  DeadLetterStore,
  RedriveResult,
} from './dead-letter-store.interface.js';
import { deadLetterStreamOf } from '../streams/dead-letter.format.js';
import { originalFields, toDeadLetter } from './dead-letter.mapper.js';

/**
 * DeadLetterStore over the embedded mode's in-memory streams. Each redrive is
 * one synchronous step (read, add, delete), so it is as atomic as the Redis
 * script. Passes the same contract tests as RedisDeadLetterStore.
 */
export class InMemoryDeadLetterStore implements DeadLetterStore {
  constructor(private readonly streams: InMemoryStreams) {}

  list(stream: string, page: { limit: number; cursor?: string }): Promise<DeadLetterPage> {
    const dlq = deadLetterStreamOf(stream);
    const after = page.cursor;
    const raw = this.streams
      .range(dlq)
      .filter((e) => after === undefined || compareIds(e.id, after) > 0)
      .slice(0, page.limit + 1);
    const entries = raw.slice(0, page.limit).map((e) => toDeadLetter(e.id, e.fields));
    const nextCursor = raw.length > page.limit ? entries[entries.length - 1].id : null;
    return Promise.resolve({
      stream,
      deadLetterStream: dlq,
      total: this.streams.length(dlq),
      entries,
      nextCursor,
    });
  }

  redrive(stream: string, ids?: readonly string[]): Promise<RedriveResult> {
    const dlq = deadLetterStreamOf(stream);
    const targets = ids ?? this.streams.range(dlq).map((e) => e.id);
    const result = {
      stream,
      redriven: [] as { id: string; newId: string }[],
      missing: [] as string[],
      unredrivable: [] as string[],
    };
    for (const id of targets) {
      const [entry] = this.streams.range(dlq, id, id);
      if (!entry) {
        result.missing.push(id);
        continue;
      }
      const fields = originalFields(entry.fields);
      if (Object.keys(fields).length === 0) {
        result.unredrivable.push(id);
        continue;
      }
      const newId = this.streams.add(stream, fields);
      this.streams.del(dlq, [id]);
      result.redriven.push({ id, newId });
    }
    return Promise.resolve(result);
  }

  count(stream: string): Promise<number> {
    return Promise.resolve(this.streams.length(deadLetterStreamOf(stream)));
  }
}
