import type { ItemKind, ItemPriority } from './inbox-item.schema.js';
import type { ItemStatus, NewWorklistItem, WorklistItemView } from './worklist.interface.js';

/** The fields of an item's record (a Redis hash, or a Map entry in memory); all strings. */
export type ItemRecord = Record<string, string>;

export function toRecord(item: NewWorklistItem, filedAt: number): ItemRecord {
  return {
    id: item.id,
    kind: item.kind,
    priority: item.priority,
    status: 'open',
    patientRef: item.patientRef,
    receivedAt: new Date(item.receivedAt).toISOString(),
    dueAt: new Date(item.dueAt).toISOString(),
    dueAtMs: String(item.dueAt),
    filedAt: new Date(filedAt).toISOString(),
    entryId: item.entryId,
    payload: JSON.stringify(item.payload),
    ...(item.source !== undefined && { source: item.source }),
  };
}

/** Only what the API may show: never payload, never patientRef. */
export function toView(record: ItemRecord): WorklistItemView {
  return {
    id: record.id,
    kind: record.kind as ItemKind,
    priority: record.priority as ItemPriority,
    status: record.status as ItemStatus,
    receivedAt: record.receivedAt,
    dueAt: record.dueAt,
    escalated: record.escalatedAt !== undefined,
    ...(record.escalatedAt !== undefined && { escalatedAt: record.escalatedAt }),
    ...(record.resolvedAt !== undefined && { resolvedAt: record.resolvedAt }),
    filedAt: record.filedAt,
    ...(record.source !== undefined && { source: record.source }),
  };
}

export function pageOf(
  items: WorklistItemView[],
  total: number,
  offset: number,
  limit: number,
): {
  items: WorklistItemView[];
  total: number;
  offset: number;
  limit: number;
  nextCursor: string | null;
} {
  const next = offset + items.length;
  return {
    items,
    total,
    offset,
    limit,
    nextCursor: next < total && items.length > 0 ? String(next) : null,
  };
}
