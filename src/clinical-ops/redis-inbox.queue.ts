import type { Redis } from 'ioredis';
import type { RedisConnectionFactory } from '../redis/redis-connection.factory.js';
import type { InboxEntry, InboxQueue, InboxStats } from './inbox-queue.interface.js';
import { deadLetterFields, deadLetterStreamOf } from '../streams/dead-letter.format.js';

/** The inbox on a Redis Stream with one consumer group; blocking reads on their own connection. */
export class RedisInboxQueue implements InboxQueue {
  private reader: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly factory: RedisConnectionFactory,
    readonly stream: string,
    private readonly group: string,
    private readonly connectTimeoutMs: number,
  ) {}

  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (error: unknown) {
      if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
    }
  }

  async takeOver(consumer: string): Promise<number> {
    let cursor = '0-0';
    let moved = 0;
    do {
      const reply = (await this.redis.xautoclaim(
        this.stream,
        this.group,
        consumer,
        0,
        cursor,
        'COUNT',
        500,
        'JUSTID',
      )) as [string, string[], string[]?];
      cursor = reply[0];
      moved += reply[1].length;
    } while (cursor !== '0-0');
    return moved;
  }

  async readPending(consumer: string, afterId: string, count: number): Promise<InboxEntry[]> {
    const reply = await this.redis.call(
      'XREADGROUP',
      'GROUP',
      this.group,
      consumer,
      'COUNT',
      count,
      'STREAMS',
      this.stream,
      afterId,
    );
    return parseRead(reply);
  }

  async readNew(
    consumer: string,
    count: number,
    blockMs: number,
    signal: AbortSignal,
  ): Promise<InboxEntry[]> {
    const reader = (this.reader ??= this.factory.create('clinical-ops-inbox', 'blocking'));
    // Why disconnect on abort: a BLOCK read would otherwise hold a lost leader for blockMs.
    const onAbort = (): void => void this.closeReader();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // No offline queue: a command sent before the new connection is ready would fail at once.
      if (reader.status !== 'ready') await whenReady(reader, this.connectTimeoutMs, signal);
      const reply = await reader.call(
        'XREADGROUP',
        'GROUP',
        this.group,
        consumer,
        'COUNT',
        count,
        'BLOCK',
        blockMs,
        'STREAMS',
        this.stream,
        '>',
      );
      return parseRead(reply);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async ack(entryIds: string[]): Promise<void> {
    if (entryIds.length > 0) await this.redis.xack(this.stream, this.group, ...entryIds);
  }

  async deadLetter(entry: InboxEntry, reason: string): Promise<void> {
    const fields = Object.entries(entry.fields ?? {}).flat();
    // Invalid items are dead-lettered at first sight, hence one delivery.
    const extra = deadLetterFields(entry.entryId, {
      reason,
      deliveryCount: 1,
      consumer: this.group,
    });
    await this.redis.xadd(deadLetterStreamOf(this.stream), '*', ...fields, ...extra);
  }

  async append(fields: Record<string, string>): Promise<string> {
    const id = await this.redis.xadd(this.stream, '*', ...Object.entries(fields).flat());
    if (id === null) throw new Error('XADD returned no id');
    return id;
  }

  async stats(): Promise<InboxStats> {
    const [length, group] = await Promise.all([
      this.redis.xlen(this.stream),
      this.redis.xinfo('GROUPS', this.stream).then(
        (reply) => groupInfo(reply, this.group),
        () => undefined,
      ),
    ]);
    return {
      length,
      pending: Number(group?.pending ?? 0),
      lag: typeof group?.lag === 'number' ? group.lag : null,
    };
  }

  async closeReader(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    if (!reader) return;
    // disconnect, not QUIT: QUIT would wait behind a BLOCK read.
    reader.disconnect();
    await this.factory.close(reader);
  }
}

function whenReady(redis: Redis, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => done();
    const onAbort = (): void => done(new Error('aborted while connecting the inbox reader'));
    const timer = setTimeout(
      () => done(new Error(`inbox reader connection not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    redis.once('ready', onReady);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function parseRead(reply: unknown): InboxEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const [, entries] = reply[0] as [string, [string, string[] | null][]];
  return entries.map(([entryId, flat]) => ({
    entryId,
    fields: flat === null ? null : toFields(flat),
  }));
}

function toFields(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}

/** The named group's entry of an XINFO GROUPS reply (flat field/value lists), if present. */
function groupInfo(reply: unknown, name: string): Record<string, unknown> | undefined {
  if (!Array.isArray(reply)) return undefined;
  for (const flat of reply as unknown[]) {
    if (!Array.isArray(flat)) continue;
    const record: Record<string, unknown> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
    if (record.name === name) return record;
  }
  return undefined;
}
