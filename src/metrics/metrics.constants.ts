/** DI token of this app's prom-client Registry (one per app, never prom-client's global one). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** Every metric name starts with this. */
export const METRIC_PREFIX = 'worker_';

/** Label value for anything outside a label's declared set: keeps cardinality bounded and free text out. */
export const OTHER_LABEL = 'other';

/** Why a message was dead-lettered. The poller and clinical-ops map their reasons onto these. */
export const DEAD_LETTER_REASONS = [
  'max-deliveries',
  'malformed',
  'no-handler',
  'invalid',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** Inbox priorities: the SLA_* variables name them. */
export const INBOX_PRIORITIES = ['stat', 'urgent', 'routine'] as const;

/** Handler duration buckets (seconds): 1 ms to 30 s. */
export const HANDLER_DURATION_BUCKETS = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];
