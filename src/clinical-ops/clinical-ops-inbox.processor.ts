import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env.schema.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { BackgroundTask } from '../tasks/background-task.decorator.js';
import type { BackgroundTaskHost, TaskContext } from '../tasks/background-task.interface.js';
import {
  INBOX_BATCH_SIZE,
  INBOX_BLOCK_MS,
  INBOX_QUEUE,
  INBOX_TASK_NAME,
  WORKLIST_STORE,
} from './clinical-ops.constants.js';
import { StaleLeaderError } from './clinical-ops.errors.js';
import { describeIssues, inboxEntrySchema, ITEM_KINDS } from './inbox-item.schema.js';
import type { InboxEntry, InboxQueue } from './inbox-queue.interface.js';
import { SlaPolicy } from './sla.policy.js';
import { SlaSweepService } from './sla-sweep.service.js';
import type { WorklistStore } from './worklist.interface.js';

type Outcome = 'filed' | 'duplicate' | 'dead-lettered' | 'deleted';

/** How often the run loop reports the inbox's consumer lag to /metrics (one XLEN + XINFO). */
const LAG_REPORT_INTERVAL_MS = 5_000;

/**
 * The leader-only inbox processor. On the leader it first takes over what its
 * predecessor left pending, then reads the inbox in order, validates each
 * entry (invalid ones go to `<stream>.dlq`), and files it on the worklist with
 * a write fenced by its term's token; it acks an entry only once it is filed
 * (or dead-lettered). A refused fenced write means a newer leader exists: the
 * run ends with StaleLeaderError and acks nothing more.
 */
@BackgroundTask({ name: INBOX_TASK_NAME, leaderOnly: true, critical: true, stallTimeoutMs: 30_000 })
@Injectable()
export class ClinicalOpsInboxProcessor implements BackgroundTaskHost, OnModuleInit {
  private readonly totals: Record<Outcome, number> = {
    filed: 0,
    duplicate: 0,
    'dead-lettered': 0,
    deleted: 0,
  };
  private lagReportedAt = 0;

  constructor(
    @Inject(INBOX_QUEUE) private readonly queue: InboxQueue,
    @Inject(WORKLIST_STORE) private readonly store: WorklistStore,
    private readonly sla: SlaPolicy,
    private readonly sweep: SlaSweepService,
    private readonly config: ConfigService<Env, true>,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics?.declareInboxKinds(ITEM_KINDS);
  }

  async start(ctx: TaskContext): Promise<void> {
    const token = tokenOf(ctx);
    await this.queue.ensureGroup();
    const claim = await this.store.claim(token);
    if (!claim.accepted) throw new StaleLeaderError(token, claim.newestToken);
    ctx.logger.info({ fencingToken: token }, 'clinical-ops worklist fence claimed');
  }

  async run(ctx: TaskContext): Promise<void> {
    const token = tokenOf(ctx);
    const consumer = this.config.get('INSTANCE_ID', { infer: true });
    try {
      // Why first: entries the previous leader read but did not ack would otherwise wait forever.
      const moved = await this.queue.takeOver(consumer);
      ctx.logger.info({ moved }, 'took over pending inbox entries');
      let after = '0';
      while (!ctx.signal.aborted) {
        ctx.heartbeat();
        const batch = await this.queue.readPending(consumer, after, INBOX_BATCH_SIZE);
        if (batch.length === 0) break;
        await this.handleBatch(batch, token, ctx);
        after = batch[batch.length - 1].entryId;
      }
      while (!ctx.signal.aborted) {
        ctx.heartbeat();
        let batch: InboxEntry[];
        try {
          batch = await this.queue.readNew(consumer, INBOX_BATCH_SIZE, INBOX_BLOCK_MS, ctx.signal);
        } catch (error: unknown) {
          if (ctx.signal.aborted) break;
          throw error;
        }
        await this.handleBatch(batch, token, ctx);
        await this.reportLag(ctx);
      }
    } finally {
      await this.queue.closeReader();
    }
  }

  async healthDetails(): Promise<Record<string, unknown>> {
    const [counts, inbox] = await Promise.all([this.store.counts(Date.now()), this.queue.stats()]);
    return {
      open: counts.open,
      overdue: counts.overdue,
      inbox: { stream: this.queue.stream, ...inbox },
      processed: { ...this.totals },
      sweep: this.sweep.status(),
    };
  }

  /**
   * The worker_consumer_lag gauge of the inbox (undelivered + pending), at most
   * every LAG_REPORT_INTERVAL_MS, on the shared command connection. Best effort.
   */
  private async reportLag(ctx: TaskContext): Promise<void> {
    if (!this.metrics || Date.now() - this.lagReportedAt < LAG_REPORT_INTERVAL_MS) return;
    this.lagReportedAt = Date.now();
    try {
      const { pending, lag } = await this.queue.stats();
      const group = this.config.get('CLINICAL_OPS_GROUP', { infer: true });
      this.metrics.setConsumerLag(this.queue.stream, group, (lag ?? 0) + pending);
    } catch (error: unknown) {
      // An outage is noticed (and reported) by the next read.
      ctx.logger.debug({ err: error }, 'inbox consumer lag not read');
    }
  }

  /** Handles entries in order; acks those handled. A Redis error or a stale term ends the run. */
  private async handleBatch(batch: InboxEntry[], token: number, ctx: TaskContext): Promise<void> {
    if (batch.length === 0) return;
    const done: string[] = [];
    const counts: Partial<Record<Outcome, number>> = {};
    try {
      for (const entry of batch) {
        if (ctx.signal.aborted) break;
        const outcome = await this.handle(entry, token, ctx);
        done.push(entry.entryId);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        this.totals[outcome] += 1;
      }
    } finally {
      // Ack what was filed even when a later entry failed: they are on the worklist.
      if (done.length > 0) await this.queue.ack(done);
    }
    ctx.logger.info(
      { entries: batch.length, acked: done.length, ...counts },
      'inbox batch handled',
    );
  }

  private async handle(entry: InboxEntry, token: number, ctx: TaskContext): Promise<Outcome> {
    if (entry.fields === null) {
      ctx.logger.warn({ entryId: entry.entryId }, 'inbox entry was deleted while pending; acked');
      return 'deleted';
    }
    const parsed = inboxEntrySchema.safeParse(entry.fields);
    if (!parsed.success) {
      const reason = `invalid inbox item: ${describeIssues(parsed.error)}`;
      await this.queue.deadLetter(entry, reason);
      ctx.logger.warn(
        { entryId: entry.entryId, itemId: safeId(entry.fields.id), reason },
        'invalid inbox item dead-lettered',
      );
      return 'dead-lettered';
    }
    const item = parsed.data;
    const receivedAt = Date.parse(item.receivedAt);
    const dueAt = this.sla.dueAt(receivedAt, item.priority);
    const result = await this.store.file(
      {
        id: item.id,
        kind: item.kind,
        priority: item.priority,
        patientRef: item.patientRef,
        receivedAt,
        dueAt,
        payload: item.payload,
        source: item.source,
        entryId: entry.entryId,
      },
      token,
    );
    if (!result.accepted) throw new StaleLeaderError(token, result.newestToken);
    const log = {
      itemId: item.id,
      kind: item.kind,
      priority: item.priority,
      entryId: entry.entryId,
    };
    if (result.result === 'duplicate') {
      ctx.logger.info(log, 'duplicate inbox item dropped');
      return 'duplicate';
    }
    this.metrics?.itemFiled(item.kind, item.priority);
    ctx.logger.debug({ ...log, dueAt: new Date(dueAt).toISOString() }, 'inbox item filed');
    return 'filed';
  }
}

function tokenOf(ctx: TaskContext): number {
  if (ctx.fencingToken === undefined)
    throw new Error(`${INBOX_TASK_NAME} ran without a fencing token; it must be leader-only`);
  return ctx.fencingToken;
}

/** The id only when it is a plausible idempotency key, so a malformed entry cannot smuggle data into logs. */
function safeId(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z0-9._:-]{1,200}$/.test(value) ? value : undefined;
}
