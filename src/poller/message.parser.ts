import type { PolledMessage } from './message.interface.js';
import type { StreamEntry } from './stream-entry.interface.js';

export type ParseResult = { ok: true; message: PolledMessage } | { ok: false; reason: string };

/** An entry is a message when it has a non-empty `type` and a `payload` that is a JSON object. */
export function parseEntry(entry: StreamEntry): ParseResult {
  const { type, payload, id } = entry.fields;
  if (type === undefined || type.trim() === '') return { ok: false, reason: 'malformed: no type' };
  if (payload === undefined) return { ok: false, reason: 'malformed: no payload' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'malformed: payload is not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { ok: false, reason: 'malformed: payload is not a JSON object' };
  return {
    ok: true,
    message: {
      id: id !== undefined && id !== '' ? id : entry.entryId,
      type,
      payload: parsed as Record<string, unknown>,
      deliveryCount: entry.deliveryCount,
      entryId: entry.entryId,
    },
  };
}
