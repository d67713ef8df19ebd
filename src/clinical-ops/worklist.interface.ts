import type { ItemKind, ItemPriority } from './inbox-item.schema.js';

export type ItemStatus = 'open' | 'resolved';

/** An item as filed: the inbox item plus its due time. */
export interface NewWorklistItem {
  id: string;
  kind: ItemKind;
  priority: ItemPriority;
  patientRef: string;
  /** ms since epoch */
  receivedAt: number;
  /** ms since epoch: receivedAt + the priority's SLA */
  dueAt: number;
  payload: Record<string, unknown>;
  source?: string;
  /** The inbox stream entry it came from. */
  entryId: string;
}

/** What the API shows of an item: never its payload or patient reference. */
export interface WorklistItemView {
  id: string;
  kind: ItemKind;
  priority: ItemPriority;
  status: ItemStatus;
  receivedAt: string;
  dueAt: string;
  escalated: boolean;
  escalatedAt?: string;
  resolvedAt?: string;
  filedAt: string;
  source?: string;
}

export interface WorklistPage {
  items: WorklistItemView[];
  total: number;
  offset: number;
  limit: number;
  /** Offset of the next page, or null on the last one. */
  nextCursor: string | null;
}

/** A fenced write: refused when a newer leadership term has written to the worklist. */
export type FencedOutcome<T> =
  { accepted: true; result: T } | { accepted: false; newestToken: number };

export type FileResult = 'filed' | 'duplicate';
export type EscalateResult = 'escalated' | 'already-escalated' | 'not-open' | 'unknown';
export type ResolveResult =
  | { outcome: 'resolved'; item: WorklistItemView }
  | { outcome: 'already-resolved'; item: WorklistItemView }
  | { outcome: 'unknown' };

export interface EscalationContext {
  /** ms since epoch, written to the item and the escalation entry */
  now: number;
  /** Name of the escalations stream. */
  stream: string;
}

/**
 * The worklist. Writes that belong to the leader take its fencing token and
 * are refused once a newer token has written (fenced); resolve is an operator
 * action from any replica and is not fenced.
 */
export interface WorklistStore {
  /** Claims the fence for `token` (a new leader's first act). */
  claim(token: number): Promise<FencedOutcome<null>>;
  /** Files an item; idempotent by id (a second filing of the same id is `duplicate`). */
  file(item: NewWorklistItem, token: number): Promise<FencedOutcome<FileResult>>;
  /** Ids of open, not yet escalated items due at or before `now`, soonest first, from `offset`. */
  dueForEscalation(now: number, offset: number, limit: number): Promise<string[]>;
  /** Marks the item escalated and appends it to the escalations stream, in one step; at most once per item. */
  escalate(
    id: string,
    token: number,
    ctx: EscalationContext,
  ): Promise<FencedOutcome<EscalateResult>>;
  /** Idempotent; not fenced. */
  resolve(id: string, now: number): Promise<ResolveResult>;
  get(id: string): Promise<WorklistItemView | null>;
  /** Open items, soonest due first. */
  list(offset: number, limit: number): Promise<WorklistPage>;
  counts(now: number): Promise<{ open: number; overdue: number }>;
  /**
   * Open and overdue counts per priority (the sweep reports them as metrics).
   * Reads every open item's priority: O(open items), once per sweep, not per request.
   */
  countsByPriority(now: number): Promise<PriorityCounts>;
}

/** Open and overdue items of each priority. */
export type PriorityCounts = Record<ItemPriority, { open: number; overdue: number }>;

/** All priorities at zero: where countsByPriority starts counting. */
export function emptyPriorityCounts(): PriorityCounts {
  return {
    stat: { open: 0, overdue: 0 },
    urgent: { open: 0, overdue: 0 },
    routine: { open: 0, overdue: 0 },
  };
}
