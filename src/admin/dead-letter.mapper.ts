import type { DeadLetter } from './dead-letter-store.interface.js';
import { DEAD_LETTER_FIELD_NAMES, DEAD_LETTER_FIELDS } from '../streams/dead-letter.format.js';

/** The original entry's fields: everything but the dead-letter fields. */
export function originalFields(all: Readonly<Record<string, string>>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) {
    if (!DEAD_LETTER_FIELD_NAMES.includes(key)) fields[key] = value;
  }
  return fields;
}

/** A dead-letter stream entry as the admin API shows it. */
export function toDeadLetter(id: string, all: Readonly<Record<string, string>>): DeadLetter {
  const deliveriesText = all[DEAD_LETTER_FIELDS.deliveries];
  const deliveries = deliveriesText === undefined ? NaN : Number(deliveriesText);
  return {
    id,
    originalId: all[DEAD_LETTER_FIELDS.originalId],
    reason: all[DEAD_LETTER_FIELDS.reason],
    deliveries: Number.isFinite(deliveries) ? deliveries : undefined,
    error: all[DEAD_LETTER_FIELDS.error],
    deadLetteredAt: all[DEAD_LETTER_FIELDS.deadLetteredAt],
    consumer: all[DEAD_LETTER_FIELDS.consumer],
    fields: originalFields(all),
  };
}
