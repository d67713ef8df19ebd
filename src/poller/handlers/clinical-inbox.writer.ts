import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';
import type { Env } from '../../config/env.schema.js';
import { InMemoryStreams } from '../../embedded/in-memory-streams.js';
import { REDIS_CLIENT } from '../../redis/redis.constants.js';
import { LuaScript } from '../lua-script.js';
import { UnrecoverableMessageError } from '../poller.errors.js';
import type { PatientMessage } from './patient-message.schema.js';

/** KEYS: marker, inbox stream. ARGV: marker ttl ms, field, value, ... Returns the entry id or false. */
const APPEND_ONCE = new LuaScript(`
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
end
return false
`);

/** How long a message id is remembered; redeliveries come within minutes, not days. */
const DEDUPE_TTL_MS = 7 * 24 * 3_600_000;

/**
 * Appends a patient message that needs review to the clinical-ops inbox
 * stream, once per messageId (a marker key set NX in the same script as the
 * XADD). Wire format: id, kind, priority, patientRef, receivedAt, payload
 * (JSON of messageId, channel, sentAt, body), source.
 */
@Injectable()
export class ClinicalInboxWriter {
  private readonly stream: string;
  /** Embedded mode: item ids already filed (the marker keys of the Redis path). */
  private readonly filed = new Set<string>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    config: ConfigService<Env, true>,
    @Optional() private readonly memory?: InMemoryStreams,
  ) {
    this.stream = config.get('CLINICAL_OPS_INBOX_STREAM', { infer: true });
  }

  /** Resolves with the inbox entry id, or null when this message was already filed. */
  async append(message: PatientMessage): Promise<string | null> {
    const itemId = `patient-message:${message.messageId}`;
    const fields = [
      'id',
      itemId,
      'kind',
      'patient-message',
      'priority',
      message.priority,
      'patientRef',
      message.patientRef,
      'receivedAt',
      new Date().toISOString(),
      'payload',
      JSON.stringify({
        messageId: message.messageId,
        channel: message.channel,
        sentAt: message.sentAt,
        body: message.body,
      }),
      'source',
      'poller',
    ];
    if (!this.redis) return this.appendInMemory(itemId, fields);
    const result = await APPEND_ONCE.run(
      this.redis,
      [`${this.stream}:seen:${itemId}`, this.stream],
      [DEDUPE_TTL_MS, ...fields],
    );
    return typeof result === 'string' ? result : null;
  }

  private appendInMemory(itemId: string, fields: string[]): string | null {
    // Retrying cannot help without a store: dead-letter with the reason.
    if (!this.memory)
      throw new UnrecoverableMessageError(
        'the clinical-ops inbox needs REDIS_URL or an app-wide InMemoryStreams (embedded mode)',
      );
    if (this.filed.has(itemId)) return null;
    this.filed.add(itemId);
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
    return this.memory.add(this.stream, record);
  }
}
