/**
 * The dead-letter layout every module shares: the poller and the clinical-ops
 * inbox write it, the admin API lists and redrives it. A dead-letter stream is
 * `<stream>.dlq`; each entry holds the original entry's fields plus these.
 */
export const DEAD_LETTER_FIELDS = {
  reason: 'reason',
  deliveries: 'deliveries',
  error: 'error',
  originalId: 'originalId',
  deadLetteredAt: 'deadLetteredAt',
  consumer: 'consumer',
} as const;

/** Stripped on redrive: a redriven entry carries only its original fields. */
export const DEAD_LETTER_FIELD_NAMES: readonly string[] = Object.values(DEAD_LETTER_FIELDS);

/** The dead-letter stream of `stream`. */
export const deadLetterStreamOf = (stream: string): string => `${stream}.dlq`;

export interface DeadLetterInfo {
  reason: string;
  deliveryCount: number;
  lastError?: string;
  consumer: string;
}

/** The dead-letter fields of one entry, in order, as a flat field/value list for XADD. */
export function deadLetterFields(entryId: string, info: DeadLetterInfo): string[] {
  const f = DEAD_LETTER_FIELDS;
  return [
    f.reason,
    info.reason,
    f.deliveries,
    String(info.deliveryCount),
    f.error,
    info.lastError ?? '',
    f.originalId,
    entryId,
    f.deadLetteredAt,
    new Date().toISOString(),
    f.consumer,
    info.consumer,
  ];
}

/** The whole dead-letter entry as a record: the original fields plus the dead-letter fields. */
export function deadLetterRecord(
  original: Readonly<Record<string, string>> | null,
  entryId: string,
  info: DeadLetterInfo,
): Record<string, string> {
  const record: Record<string, string> = { ...original };
  const extra = deadLetterFields(entryId, info);
  for (let k = 0; k + 1 < extra.length; k += 2) record[extra[k]] = extra[k + 1];
  return record;
}
