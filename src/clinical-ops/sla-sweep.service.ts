import {
  Inject,
  Injectable,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { TaskSupervisor } from '../tasks/task.supervisor.js';
import { SLA_SWEEP_NAME, SWEEP_PAGE_SIZE, WORKLIST_STORE } from './clinical-ops.constants.js';
import type { WorklistStore } from './worklist.interface.js';

export type SweepOutcome = 'ok' | 'partial' | 'failed' | 'fenced' | 'leadership-lost';

export interface SweepStatus {
  name: string;
  intervalMs: number;
  runs: number;
  failures: number;
  skippedOverlaps: number;
  lastRunAt?: string;
  lastOutcome?: SweepOutcome;
  lastDurationMs?: number;
  lastEscalated?: number;
  lastItemFailures?: number;
  lastError?: string;
}

/** A sweep stops after this many pages, so a flood of overdue items cannot hold it forever. */
const MAX_PAGES = 50;

/**
 * The SLA sweep: every CLINICAL_OPS_SWEEP_INTERVAL_MS, on the leader only,
 * escalates open items past their due time. Sweeps never overlap (a tick that
 * finds the previous sweep still running is skipped); a failing sweep is
 * logged and recorded, and the next tick runs as usual. Each escalation is a
 * fenced write that marks the item and appends to the escalations stream in
 * one step, so an item is escalated once however many sweeps or leaders try.
 */
@Injectable()
export class SlaSweepService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly state: SweepStatus;
  private inFlight: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(WORKLIST_STORE) private readonly store: WorklistStore,
    private readonly supervisor: TaskSupervisor,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: ConfigService<Env, true>,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.logger = rootLogger.child({ component: 'clinical-ops', sweep: SLA_SWEEP_NAME });
    this.state = {
      name: SLA_SWEEP_NAME,
      intervalMs: this.config.get('CLINICAL_OPS_SWEEP_INTERVAL_MS', { infer: true }),
      runs: 0,
      failures: 0,
      skippedOverlaps: 0,
    };
  }

  onApplicationBootstrap(): void {
    try {
      const timer = setInterval(() => void this.tick(), this.state.intervalMs);
      this.scheduler.addInterval(SLA_SWEEP_NAME, timer);
    } catch (error: unknown) {
      this.logger.error({ err: error }, 'could not schedule the SLA sweep; the worker goes on');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.scheduler.doesExist('interval', SLA_SWEEP_NAME))
      this.scheduler.deleteInterval(SLA_SWEEP_NAME);
    await this.inFlight;
  }

  status(): SweepStatus {
    return { ...this.state };
  }

  /** One tick of the interval: skips on followers, while stopping, and while a sweep still runs. */
  async tick(): Promise<void> {
    if (this.stopping) return;
    const term = this.supervisor.current();
    if (!term) return;
    if (this.inFlight) {
      this.state.skippedOverlaps += 1;
      this.logger.debug('previous SLA sweep still running; this tick is skipped');
      return;
    }
    this.inFlight = this.sweep(term.token).finally(() => {
      this.inFlight = undefined;
    });
    await this.inFlight;
  }

  private async sweep(token: number): Promise<void> {
    const started = performance.now();
    const stream = this.config.get('CLINICAL_OPS_ESCALATIONS_STREAM', { infer: true });
    let escalated = 0;
    let itemFailures = 0;
    let outcome: SweepOutcome = 'ok';
    let lastError: string | undefined;
    try {
      const now = Date.now();
      pages: for (let page = 0; page < MAX_PAGES; page += 1) {
        // Items that failed in this sweep stay at the front of the index: skip past them.
        const ids = await this.store.dueForEscalation(now, itemFailures, SWEEP_PAGE_SIZE);
        const failuresBefore = itemFailures;
        for (const id of ids) {
          if (this.supervisor.current()?.token !== token) {
            outcome = 'leadership-lost';
            break pages;
          }
          try {
            const result = await this.store.escalate(id, token, { now: Date.now(), stream });
            if (!result.accepted) {
              outcome = 'fenced';
              this.logger.warn(
                { fencingToken: token, newestToken: result.newestToken },
                'SLA sweep refused: a newer leader owns the worklist',
              );
              break pages;
            }
            if (result.result === 'escalated') {
              escalated += 1;
              this.logger.info({ itemId: id, stream }, 'overdue item escalated');
              await this.countEscalation(id);
            }
          } catch (error: unknown) {
            itemFailures += 1;
            lastError = error instanceof Error ? error.message : String(error);
            this.logger.error(
              { err: error, itemId: id },
              'could not escalate item; the sweep goes on',
            );
          }
        }
        // A page where every item failed (Redis gone, say) ends the sweep; the next one retries.
        if (ids.length < SWEEP_PAGE_SIZE || itemFailures - failuresBefore === ids.length) break;
      }
      if (outcome === 'ok' && itemFailures > 0) outcome = 'partial';
    } catch (error: unknown) {
      outcome = 'failed';
      lastError = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error }, 'SLA sweep failed; the next sweep runs on schedule');
    } finally {
      const durationMs = Math.round(performance.now() - started);
      this.state.runs += 1;
      if (outcome === 'failed' || outcome === 'partial') this.state.failures += 1;
      Object.assign(this.state, {
        lastRunAt: new Date().toISOString(),
        lastOutcome: outcome,
        lastDurationMs: durationMs,
        lastEscalated: escalated,
        lastItemFailures: itemFailures,
        lastError,
      });
      const level = escalated > 0 || outcome !== 'ok' ? 'info' : 'debug';
      this.logger[level]({ outcome, escalated, itemFailures, durationMs }, 'SLA sweep finished');
    }
    await this.reportCounts();
  }

  /** worker_inbox_items_escalated_total: the item's kind and priority are read back. Best effort. */
  private async countEscalation(id: string): Promise<void> {
    if (!this.metrics) return;
    try {
      const item = await this.store.get(id);
      if (item) this.metrics.itemEscalated(item.kind, item.priority);
    } catch (error: unknown) {
      this.logger.debug({ err: error, itemId: id }, 'escalation not counted in metrics');
    }
  }

  /** worker_inbox_items_open / _overdue per priority, after every sweep. Best effort. */
  private async reportCounts(): Promise<void> {
    if (!this.metrics) return;
    try {
      const counts = await this.store.countsByPriority(Date.now());
      for (const [priority, c] of Object.entries(counts))
        this.metrics.setWorklistCounts(priority, c.open, c.overdue);
    } catch (error: unknown) {
      this.logger.debug({ err: error }, 'worklist counts not read for metrics');
    }
  }
}
