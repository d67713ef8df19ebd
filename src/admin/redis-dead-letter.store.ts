import type { Redis } from 'ioredis';
import type {
  DeadLetter,
  DeadLetterPage,
  DeadLetterStore,
  RedriveResult,
} from './dead-letter-store.interface.js';
import { DEAD_LETTER_FIELD_NAMES, deadLetterStreamOf } from '../streams/dead-letter.format.js';
import { REDRIVE_BATCH } from './dead-letter.constants.js';
import { toDeadLetter } from './dead-letter.mapper.js';

/**
 * Moves one dead letter back, atomically: read it, XADD its original fields
 * (every field but the dead-letter ones) to the source stream, XDEL it.
 * KEYS: dead-letter stream, source stream. ARGV: entry id, then the field
 * names to strip. Returns {'ok', newId}, {'missing'} or {'empty'}.
 * Both keys must live in one slot on Redis Cluster (see docs/operations.md).
 */
const REDRIVE_SCRIPT = `
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return {'missing'} end
local strip = {}
for i = 2, #ARGV do strip[ARGV[i]] = true end
local fields = found[1][2]
local out = {}
for i = 1, #fields, 2 do
  if not strip[fields[i]] then
    out[#out + 1] = fields[i]
    out[#out + 1] = fields[i + 1]
  end
end
if #out == 0 then return {'empty'} end
local newId = redis.call('XADD', KEYS[2], '*', unpack(out))
redis.call('XDEL', KEYS[1], ARGV[1])
return {'ok', newId}
`;

type RawEntry = [id: string, fields: string[]];

/** DeadLetterStore over `<stream>.dlq` Redis streams, paged with XRANGE. */
export class RedisDeadLetterStore implements DeadLetterStore {
  constructor(private readonly redis: Redis) {}

  async list(stream: string, page: { limit: number; cursor?: string }): Promise<DeadLetterPage> {
    const dlq = deadLetterStreamOf(stream);
    const start = page.cursor === undefined ? '-' : `(${page.cursor}`;
    // One more than asked: tells whether a next page exists without an empty last page.
    const [raw, total] = await Promise.all([
      this.redis.xrange(dlq, start, '+', 'COUNT', page.limit + 1) as Promise<RawEntry[]>,
      this.redis.xlen(dlq),
    ]);
    const entries = raw.slice(0, page.limit).map(fromRaw);
    const nextCursor = raw.length > page.limit ? entries[entries.length - 1].id : null;
    return { stream, deadLetterStream: dlq, total, entries, nextCursor };
  }

  async redrive(stream: string, ids?: readonly string[]): Promise<RedriveResult> {
    const result: {
      redriven: { id: string; newId: string }[];
      missing: string[];
      unredrivable: string[];
    } = { redriven: [], missing: [], unredrivable: [] };
    const targets = ids ?? (await this.allIds(stream));
    for (const id of targets) {
      const [status, newId] = await this.redriveOne(stream, id);
      if (status === 'ok' && newId !== undefined) result.redriven.push({ id, newId });
      else if (status === 'empty') result.unredrivable.push(id);
      else result.missing.push(id);
    }
    return { stream, ...result };
  }

  count(stream: string): Promise<number> {
    return this.redis.xlen(deadLetterStreamOf(stream));
  }

  /**
   * The ids present now, up to the last one: entries dead-lettered again while
   * the redrive runs are left for the next one, so it always ends.
   */
  private async allIds(stream: string): Promise<string[]> {
    const dlq = deadLetterStreamOf(stream);
    const last = (await this.redis.xrevrange(dlq, '+', '-', 'COUNT', 1)) as RawEntry[];
    if (last.length === 0) return [];
    const end = last[0][0];
    const ids: string[] = [];
    let start = '-';
    for (;;) {
      const page = (await this.redis.xrange(dlq, start, end, 'COUNT', REDRIVE_BATCH)) as RawEntry[];
      for (const [id] of page) ids.push(id);
      if (page.length < REDRIVE_BATCH) return ids;
      start = `(${page[page.length - 1][0]}`;
    }
  }

  private async redriveOne(stream: string, id: string): Promise<[string, string?]> {
    const reply = (await this.redis.eval(
      REDRIVE_SCRIPT,
      2,
      deadLetterStreamOf(stream),
      stream,
      id,
      ...DEAD_LETTER_FIELD_NAMES,
    )) as [string, string?];
    return reply;
  }
}

function fromRaw([id, flat]: RawEntry): DeadLetter {
  const all: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) all[flat[i]] = flat[i + 1];
  return toDeadLetter(id, all);
}
