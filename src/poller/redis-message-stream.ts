import type { Redis } from 'ioredis';
import type { MessageStream } from './message-stream.interface.js';
import { deadLetterFields, deadLetterStreamOf } from '../streams/dead-letter.format.js';
import { StreamUnavailableError } from './poller.errors.js';
import { mapRedisError } from './redis-stream.errors.js';
import { toEntries, type RawEntry } from './redis-stream.parse.js';
import { AUTOCLAIM, CLAIM, DEAD_LETTER, READ_OWN_PENDING } from './redis-stream.scripts.js';
import { LuaScript } from './lua-script.js';
import type { DeadLetterInfo } from '../streams/dead-letter.format.js';
import type { StreamEntry, StreamLag } from './stream-entry.interface.js';

export interface RedisMessageStreamOptions {
  stream: string;
  group: string;
  consumer: string;
  /** A blocked read that has not answered this long after its BLOCK time is treated as a dead connection. */
  readGraceMs: number;
  /** ensureGroup() waits this long for a connection that is still connecting. */
  connectTimeoutMs: number;
}

const readOwnPending = new LuaScript(READ_OWN_PENDING);
const claimScript = new LuaScript(CLAIM);
const autoclaimScript = new LuaScript(AUTOCLAIM);
const deadLetterScript = new LuaScript(DEAD_LETTER);
/** Lua's unpack() limit is about 8,000 values; pages stay well below it. */
const MAX_PAGE = 1_000;

/**
 * MessageStream over Redis Streams. Blocking reads go over their own
 * `blocking` connection; everything else over the shared command connection.
 */
export class RedisMessageStream implements MessageStream {
  readonly kind = 'redis';
  readonly name: string;
  readonly group: string;
  readonly consumer: string;
  private readonly dlq: string;

  constructor(
    private readonly redis: Redis,
    private readonly blocking: Redis,
    private readonly options: RedisMessageStreamOptions,
  ) {
    this.name = options.stream;
    this.group = options.group;
    this.consumer = options.consumer;
    this.dlq = deadLetterStreamOf(options.stream);
  }

  async ensureGroup(from: 'end' | 'start' = 'end'): Promise<void> {
    // Why wait: at boot the connections may still be connecting, and they fail fast until ready.
    await Promise.all([
      whenReady(this.redis, this.options.connectTimeoutMs),
      whenReady(this.blocking, this.options.connectTimeoutMs),
    ]);
    try {
      const id = from === 'end' ? '$' : '0';
      await this.redis.xgroup('CREATE', this.name, this.group, id, 'MKSTREAM');
    } catch (error: unknown) {
      if (error instanceof Error && error.message.startsWith('BUSYGROUP')) return;
      throw this.mapError(error, 'XGROUP CREATE');
    }
  }

  async readNew(count: number, blockMs: number, signal: AbortSignal): Promise<StreamEntry[]> {
    if (signal.aborted) return [];
    const read = this.blocking.xreadgroup(
      'GROUP',
      this.group,
      this.consumer,
      'COUNT',
      count,
      'BLOCK',
      Math.max(1, blockMs),
      'STREAMS',
      this.name,
      '>',
    );
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const guard = new Promise<'aborted' | 'hung'>((resolve) => {
      // Why: a half-open TCP connection never answers a blocked read; after the
      // BLOCK time plus a grace the connection is dropped and made again.
      timer = setTimeout(() => resolve('hung'), blockMs + this.options.readGraceMs);
      onAbort = () => resolve('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const outcome = await Promise.race([read, guard]);
      if (outcome === 'hung' || outcome === 'aborted') {
        // Entries Redis delivered to this read stay pending; another read or a claim brings them back.
        read.catch(() => undefined);
        this.blocking.disconnect(true);
        if (outcome === 'hung') throw new StreamUnavailableError('XREADGROUP (no answer)');
        return [];
      }
      const streams = outcome;
      return streams?.[0] ? toEntries(streams[0][1]) : [];
    } catch (error: unknown) {
      if (error instanceof StreamUnavailableError) throw error;
      throw this.mapError(error, 'XREADGROUP');
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  async readOwnPending(
    afterId: string,
    count: number,
  ): Promise<{ cursor: string; entries: StreamEntry[] }> {
    const start = afterId === '0-0' ? '-' : `(${afterId}`;
    const reply = (await this.script(
      readOwnPending,
      'read own pending',
      [this.name],
      [this.group, this.consumer, start, Math.min(count, MAX_PAGE)],
    )) as [RawEntry[], number[], string];
    return { cursor: reply[2], entries: toEntries(reply[0], reply[1]) };
  }

  async claim(entryIds: readonly string[], minIdleMs: number): Promise<StreamEntry[]> {
    const claimed: StreamEntry[] = [];
    // In pages: Lua's unpack() takes about 8,000 values at most.
    for (let start = 0; start < entryIds.length; start += MAX_PAGE) {
      const page = entryIds.slice(start, start + MAX_PAGE);
      const reply = (await this.script(
        claimScript,
        'XCLAIM',
        [this.name],
        [this.group, this.consumer, minIdleMs, ...page],
      )) as [RawEntry[], number[]];
      claimed.push(...toEntries(reply[0], reply[1]));
    }
    return claimed;
  }

  async claimIdle(
    minIdleMs: number,
    cursor: string,
    count: number,
  ): Promise<{ cursor: string; entries: StreamEntry[] }> {
    const reply = (await this.script(
      autoclaimScript,
      'XAUTOCLAIM',
      [this.name],
      [this.group, this.consumer, minIdleMs, cursor, Math.min(count, MAX_PAGE)],
    )) as [string, RawEntry[], number[]];
    return { cursor: reply[0], entries: toEntries(reply[1], reply[2]) };
  }

  async ack(entryIds: readonly string[]): Promise<void> {
    if (entryIds.length === 0) return;
    try {
      await this.redis.xack(this.name, this.group, ...entryIds);
    } catch (error: unknown) {
      throw this.mapError(error, 'XACK');
    }
  }

  async deadLetter(entry: StreamEntry, info: DeadLetterInfo): Promise<void> {
    const fields: string[] = [];
    for (const [field, value] of Object.entries(entry.fields)) fields.push(field, value);
    fields.push(...deadLetterFields(entry.entryId, info));
    await this.script(
      deadLetterScript,
      'dead-letter',
      [this.name, this.dlq],
      [this.group, entry.entryId, ...fields],
    );
  }

  async append(fields: Readonly<Record<string, string>>): Promise<string> {
    const flat = Object.entries(fields).flat();
    try {
      const id = await this.redis.xadd(this.name, '*', ...flat);
      return id ?? '';
    } catch (error: unknown) {
      throw this.mapError(error, 'XADD');
    }
  }

  async lag(signal: AbortSignal): Promise<StreamLag> {
    const work = Promise.all([
      this.redis.xlen(this.name),
      this.redis.xinfo('GROUPS', this.name).catch((error: unknown) => {
        if (error instanceof Error && error.message.includes('no such key')) return [];
        throw error;
      }),
    ]);
    const [length, groups] = await raceSignal(work, signal);
    const group = (groups as unknown[][]).map(toRecord).find((g) => g.name === this.group);
    return {
      stream: this.name,
      group: this.group,
      length,
      pending: Number(group?.pending ?? 0),
      lag: typeof group?.lag === 'number' ? group.lag : null,
      consumers: Number(group?.consumers ?? 0),
    };
  }

  async deadLetterCount(signal: AbortSignal): Promise<number> {
    return raceSignal(this.redis.xlen(this.dlq), signal);
  }

  private async script(
    script: LuaScript,
    operation: string,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> {
    try {
      return await script.run(this.redis, keys, args);
    } catch (error: unknown) {
      throw this.mapError(error, operation);
    }
  }

  private mapError(error: unknown, operation: string): Error {
    return mapRedisError(error, operation, this.name, this.group);
  }
}

async function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}

function raceSignal<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  work.catch(() => undefined);
  return Promise.race([work, aborted]).finally(() => {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}
