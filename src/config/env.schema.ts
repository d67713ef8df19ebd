import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * The one schema over the process environment. Every variable the worker reads
 * is declared here with its default; README.md lists them all. Nothing else in
 * src/ reads process.env.
 */
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);
const positiveMs = (def: number) => z.coerce.number().int().positive().default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
const streamName = (def: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only')
    .default(def);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: int(3000, 0, 65535),
    INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only')
      .default(`${hostname()}-${process.pid}`),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),

    SHUTDOWN_TIMEOUT_MS: positiveMs(10_000),
    SHUTDOWN_DELAY_MS: int(0),
    API_TOKEN: optionalString,
    ADMIN_TOKEN: optionalString,

    HEALTH_CHECK_TIMEOUT_MS: positiveMs(1_000),
    HEALTH_EVENT_LOOP_DELAY_MAX_MS: positiveMs(5_000),

    TASK_BACKOFF_INITIAL_MS: positiveMs(1_000),
    TASK_BACKOFF_MAX_MS: positiveMs(60_000),
    TASK_BACKOFF_FACTOR: z.coerce.number().min(1).default(2),
    TASK_BACKOFF_RESET_AFTER_MS: positiveMs(60_000),

    REDIS_URL: optionalString.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
        .optional(),
    ),
    REDIS_COMMAND_TIMEOUT_MS: positiveMs(2_000),
    REDIS_CONNECT_TIMEOUT_MS: positiveMs(5_000),

    LEADER_KEY: streamName('clinical-ops-worker'),
    LEADER_LEASE_MS: positiveMs(10_000),
    LEADER_RENEW_INTERVAL_MS: positiveMs(2_000),
    LEADER_RENEW_DEADLINE_MS: positiveMs(7_000),
    LEADER_RETRY_INTERVAL_MS: positiveMs(1_000),

    POLLER_STREAM: streamName('messages.inbound'),
    POLLER_GROUP: streamName('workers'),
    POLLER_BATCH_SIZE: int(500, 1, 10_000),
    POLLER_BLOCK_MS: positiveMs(2_000),
    POLLER_CONCURRENCY: int(64, 1, 10_000),
    POLLER_MAX_DELIVERIES: int(5, 1, 1_000),
    POLLER_VISIBILITY_TIMEOUT_MS: positiveMs(30_000),
    POLLER_RETRY_BACKOFF_MS: positiveMs(1_000),
    POLLER_CLAIM_INTERVAL_MS: positiveMs(5_000),

    CLINICAL_OPS_INBOX_STREAM: streamName('clinical-ops.inbox'),
    CLINICAL_OPS_GROUP: streamName('clinical-ops'),
    CLINICAL_OPS_ESCALATIONS_STREAM: streamName('clinical-ops.escalations'),
    CLINICAL_OPS_SWEEP_INTERVAL_MS: positiveMs(30_000),
    SLA_STAT_MS: positiveMs(15 * 60_000),
    SLA_URGENT_MS: positiveMs(4 * 3_600_000),
    SLA_ROUTINE_MS: positiveMs(72 * 3_600_000),
  })
  .superRefine((env, ctx) => {
    // client-go's rule: retry < renew deadline < lease, checked before anything runs.
    if (env.LEADER_RENEW_INTERVAL_MS >= env.LEADER_RENEW_DEADLINE_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['LEADER_RENEW_INTERVAL_MS'],
        message: `must be less than LEADER_RENEW_DEADLINE_MS (${env.LEADER_RENEW_DEADLINE_MS})`,
      });
    }
    if (env.LEADER_RENEW_DEADLINE_MS >= env.LEADER_LEASE_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['LEADER_RENEW_DEADLINE_MS'],
        message: `must be less than LEADER_LEASE_MS (${env.LEADER_LEASE_MS})`,
      });
    }
    if (env.TASK_BACKOFF_INITIAL_MS > env.TASK_BACKOFF_MAX_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['TASK_BACKOFF_INITIAL_MS'],
        message: `must not exceed TASK_BACKOFF_MAX_MS (${env.TASK_BACKOFF_MAX_MS})`,
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
