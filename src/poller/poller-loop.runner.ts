import type { Logger } from 'pino';
import type { MetricsService } from '../metrics/metrics.service.js';
import { abortableSleep } from '../tasks/abortable-sleep.js';
import type { TaskContext } from '../tasks/background-task.interface.js';
import { drainDeadline } from './drain-deadline.js';
import type { MessageBatchProcessor } from './message-batch.processor.js';
import type { MessageStream } from './message-stream.interface.js';
import { StreamGroupMissingError, StreamUnavailableError } from './poller.errors.js';
import type { PollerSettings } from './poller.settings.js';
import type { PollerStats } from './poller.stats.js';
import { RetrySchedule } from './retry.schedule.js';
import type { StreamEntry } from './stream-entry.interface.js';

const OUTAGE_BACKOFF_MIN_MS = 100;
const OUTAGE_BACKOFF_MAX_MS = 5_000;
/** XAUTOCLAIM pages per sweep, so one sweep never starves the read loop. */
const MAX_CLAIM_PAGES = 10;

/**
 * One run of the poller: drain this consumer's own pending entries, then read
 * new ones; retry failures from a local schedule; sweep idle entries of dead
 * consumers. A stream outage is waited out inside the loop (the worker goes
 * on, and the run resumes when the stream is back); any other error ends the
 * run and the supervisor restarts it.
 */
export class PollerLoopRunner {
  private readonly retries: RetrySchedule;
  private readonly log: Logger;
  /** At most one XACK in flight; it overlaps the next read. Never rejects. */
  private acking: Promise<void> = Promise.resolve();
  /** "0-0" to (re)start draining own pending entries; null once drained. */
  private ownPendingCursor: string | null = '0-0';
  private claimCursor = '0-0';
  private nextClaimAt = 0;
  private outageAttempts = 0;
  /** The next batch, read while the current one is handled (only while there is a backlog). */
  private prefetched: Promise<StreamEntry[]> | undefined;

  constructor(
    private readonly stream: MessageStream,
    private readonly processor: MessageBatchProcessor,
    private readonly settings: PollerSettings,
    private readonly stats: PollerStats,
    private readonly ctx: TaskContext,
    private readonly metrics?: MetricsService,
  ) {
    this.log = ctx.logger;
    this.retries = new RetrySchedule(settings.retryBackoffMs, settings.visibilityTimeoutMs);
  }

  get scheduledRetries(): number {
    return this.retries.size;
  }

  async run(): Promise<void> {
    const { signal } = this.ctx;
    const drain = drainDeadline(signal, this.settings.drainMs);
    this.nextClaimAt = Date.now() + this.settings.claimIntervalMs;
    try {
      while (!signal.aborted) {
        this.ctx.heartbeat();
        try {
          await this.iterate(drain.signal);
          this.recovered();
        } catch (error: unknown) {
          this.prefetched = undefined;
          await this.recover(error);
        }
      }
    } finally {
      drain.dispose();
      // A read still out resolves at once on the abort; what it delivered stays pending.
      await this.prefetched?.catch(() => undefined);
      await this.acking;
      this.retries.clear();
    }
  }

  private async iterate(drain: AbortSignal): Promise<void> {
    const { batchSize, blockMs } = this.settings;
    if (this.ownPendingCursor !== null) {
      const page = await this.stream.readOwnPending(this.ownPendingCursor, batchSize);
      this.ownPendingCursor = page.cursor === '' ? null : page.cursor;
      for (const entry of page.entries) this.retries.delete(entry.entryId);
      if (this.ownPendingCursor === null) this.log.debug('own pending entries drained');
      await this.handle(page.entries, drain);
      return;
    }
    const now = Date.now();
    const due = this.retries.takeDue(now, batchSize);
    if (due.length > 0) {
      // Why min idle: if another consumer took the entry over, it was delivered lately; leave it.
      await this.handle(await this.stream.claim(due, this.settings.retryBackoffMs), drain);
      return;
    }
    if (now >= this.nextClaimAt) {
      await this.sweepIdle(drain);
      await this.reportLag();
      this.nextClaimAt = Date.now() + this.settings.claimIntervalMs;
      return;
    }
    const wait = Math.max(
      1,
      Math.min(blockMs, this.nextClaimAt - now, this.retries.nextDueIn(now) ?? blockMs),
    );
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    const entries = await (prefetched ?? this.stream.readNew(batchSize, wait, this.ctx.signal));
    if (entries.length === batchSize && !this.ctx.signal.aborted) {
      // Why: with a backlog, the next read's round trip overlaps this batch's handlers.
      this.prefetched = this.stream.readNew(batchSize, wait, this.ctx.signal);
      // Marked handled here; awaited (and its error dealt with) at the next iteration.
      this.prefetched.catch(() => undefined);
    }
    await this.handle(entries, drain);
  }

  /** XAUTOCLAIM entries idle past the visibility timeout: a dead (or stuck) consumer's messages. */
  private async sweepIdle(drain: AbortSignal): Promise<void> {
    for (let page = 0; page < MAX_CLAIM_PAGES && !this.ctx.signal.aborted; page++) {
      const { cursor, entries } = await this.stream.claimIdle(
        this.settings.visibilityTimeoutMs,
        this.claimCursor,
        this.settings.batchSize,
      );
      this.claimCursor = cursor;
      if (entries.length > 0) {
        this.stats.reclaimed += entries.length;
        for (const entry of entries) this.retries.delete(entry.entryId);
        this.log.info({ count: entries.length }, 'reclaimed idle pending entries');
        await this.handle(entries, drain);
      }
      if (cursor === '0-0') return;
    }
  }

  /** The worker_consumer_lag gauge: entries not yet acked (undelivered + pending), every claim interval. */
  private async reportLag(): Promise<void> {
    if (!this.metrics) return;
    try {
      const lag = await this.stream.lag(this.ctx.signal);
      this.metrics.setConsumerLag(lag.stream, lag.group, (lag.lag ?? 0) + lag.pending);
    } catch (error: unknown) {
      // Best effort: an outage is noticed (and reported) by the next read.
      this.log.debug({ err: error }, 'consumer lag not read');
    }
  }

  private async handle(entries: readonly StreamEntry[], drain: AbortSignal): Promise<void> {
    if (entries.length === 0) return;
    const outcome = await this.processor.process(entries, this.ctx.signal, drain);
    this.ctx.heartbeat();
    const now = Date.now();
    this.stats.lastBatchAt = now;
    this.stats.deadLettered += outcome.deadLettered;
    this.stats.retried += outcome.retry.length;
    for (const entry of outcome.retry) this.retries.add(entry.entryId, entry.deliveryCount, now);
    // Why not await the XACK here: the next read overlaps it; the one before is awaited first.
    await this.acking;
    this.acking = this.ack(outcome.ack);
  }

  private async ack(entryIds: string[]): Promise<void> {
    if (entryIds.length === 0) return;
    try {
      await this.stream.ack(entryIds);
      this.stats.acked += entryIds.length;
    } catch (error: unknown) {
      // Handled but not acked: still pending for us. Drain own pending again once the stream is back.
      this.log.warn({ err: error, count: entryIds.length }, 'XACK failed; entries stay pending');
      this.ownPendingCursor = '0-0';
    }
  }

  private async recover(error: unknown): Promise<void> {
    if (error instanceof StreamGroupMissingError) {
      this.log.warn('consumer group missing (Redis restarted empty?); creating it again');
      this.retries.clear();
      this.claimCursor = '0-0';
      // From the start: whatever is in the stream now was appended after the data loss.
      await this.stream.ensureGroup('start').catch((e: unknown) => this.unavailable(e));
      return;
    }
    await this.unavailable(error);
  }

  /** Backs off while the stream is unreachable; any other error ends the run (supervisor restarts). */
  private async unavailable(error: unknown): Promise<void> {
    if (!(error instanceof StreamUnavailableError) && !(error instanceof StreamGroupMissingError))
      throw error;
    this.outageAttempts++;
    if (this.stats.unavailableSince === undefined) {
      this.stats.unavailableSince = Date.now();
      this.log.warn({ err: error }, 'stream unavailable; the poller backs off and retries');
    }
    const ceiling = Math.min(
      OUTAGE_BACKOFF_MAX_MS,
      OUTAGE_BACKOFF_MIN_MS * 2 ** Math.min(this.outageAttempts, 10),
    );
    await abortableSleep(OUTAGE_BACKOFF_MIN_MS + Math.random() * ceiling, this.ctx.signal);
  }

  private recovered(): void {
    if (this.stats.unavailableSince === undefined) return;
    this.log.info(
      { downMs: Date.now() - this.stats.unavailableSince, attempts: this.outageAttempts },
      'stream reachable again; the poller resumes',
    );
    this.stats.unavailableSince = undefined;
    this.outageAttempts = 0;
    // Entries read or handled during the outage may be pending for us without an ack.
    this.ownPendingCursor = '0-0';
  }
}
