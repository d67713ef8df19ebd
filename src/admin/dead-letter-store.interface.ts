/** One dead letter, as the admin API shows it. */
export interface DeadLetter {
  /** The entry's id in the dead-letter stream. */
  readonly id: string;
  /** The id the message had on its source stream. */
  readonly originalId?: string;
  readonly reason?: string;
  readonly deliveries?: number;
  readonly error?: string;
  readonly deadLetteredAt?: string;
  /** The consumer (instance) that dead-lettered it. */
  readonly consumer?: string;
  /** The original entry's fields (type, payload...): patient data, admins only. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface DeadLetterPage {
  readonly stream: string;
  readonly deadLetterStream: string;
  /** Entries in the dead-letter stream now. */
  readonly total: number;
  readonly entries: readonly DeadLetter[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface RedriveResult {
  readonly stream: string;
  /** Dead-letter id and the id of the new entry on the source stream. */
  readonly redriven: readonly { readonly id: string; readonly newId: string }[];
  /** Ids asked for that are not (or no longer) in the dead-letter stream. */
  readonly missing: readonly string[];
  /** Entries left in place because they hold no original field to send back. */
  readonly unredrivable: readonly string[];
}

/**
 * Reads and redrives a stream's dead letters. Redrive moves an entry back to
 * its source stream as a new entry (so its delivery count starts again) with
 * only its original fields, and removes it from the dead-letter stream, both
 * in one atomic step: a dead letter is never lost or sent back twice.
 */
export interface DeadLetterStore {
  list(stream: string, page: { limit: number; cursor?: string }): Promise<DeadLetterPage>;
  /** All entries present when the call starts (ids omitted), or the named ids. */
  redrive(stream: string, ids?: readonly string[]): Promise<RedriveResult>;
  count(stream: string): Promise<number>;
}
