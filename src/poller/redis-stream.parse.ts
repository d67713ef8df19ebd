import type { StreamEntry } from './stream-entry.interface.js';

/** [id, [field, value, ...]] as Redis returns a stream entry; fields are null for a deleted one. */
export type RawEntry = [string, string[] | null];

export function toFields(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}

/** Entries with their delivery counts; entries deleted from the stream (null fields) are skipped. */
export function toEntries(raw: readonly RawEntry[], counts?: readonly number[]): StreamEntry[] {
  const entries: StreamEntry[] = [];
  raw.forEach((item, i) => {
    if (!Array.isArray(item) || !Array.isArray(item[1])) return;
    entries.push({
      entryId: item[0],
      fields: toFields(item[1]),
      deliveryCount: counts?.[i] ?? 1,
    });
  });
  return entries;
}
