/** Every worklist key shares this hash tag, so the scripts work on Redis Cluster. */
export const HASH_TAG = '{clinical-ops}';
/** Fencing key of the worklist: the newest leadership token that wrote to it. */
export const FENCE_KEY = `${HASH_TAG}:fence`;
/** Hash per item: `{clinical-ops}:item:<id>`. */
export const itemKey = (id: string): string => `${HASH_TAG}:item:${id}`;
/** Sorted set of open items, scored by due time (ms since epoch): the worklist. */
export const OPEN_KEY = `${HASH_TAG}:open`;
/** Sorted set of open items not yet escalated, scored by due time: what the sweep looks at. */
export const UNESCALATED_KEY = `${HASH_TAG}:unescalated`;

export const INBOX_TASK_NAME = 'clinical-ops-inbox';
export const SLA_SWEEP_NAME = 'clinical-ops-sla-sweep';

/** DI tokens of the adapters (Redis, or in-memory in embedded mode). */
export const WORKLIST_STORE = Symbol('WORKLIST_STORE');
export const INBOX_QUEUE = Symbol('INBOX_QUEUE');

/** Entries read per XREADGROUP, and how long one blocks (the loop notices an abort at least this often). */
export const INBOX_BATCH_SIZE = 100;
export const INBOX_BLOCK_MS = 1_000;
/** Items escalated per sweep page; a sweep pages until nothing is overdue. */
export const SWEEP_PAGE_SIZE = 200;
