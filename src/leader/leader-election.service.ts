import { EventEmitter } from 'node:events';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { BackgroundTask } from '../tasks/background-task.decorator.js';
import type { BackgroundTaskHost, TaskContext } from '../tasks/background-task.interface.js';
import { TaskSupervisor } from '../tasks/task.supervisor.js';
import type { LeaseGrant, LeaseHolder, LeaseStore } from './lease-store.interface.js';
import { LeaseWatchdog } from './lease.watchdog.js';
import { LEADER_ELECTION_TASK, LEASE_STORE } from './leader.constants.js';
import type {
  LeaderRole,
  LeadershipAcquiredEvent,
  LeadershipLostEvent,
} from './leadership-events.interface.js';
import { LoopWaker } from './loop.waker.js';
import { OutageLog } from './outage.log.js';
import { within } from './within.js';

interface Term {
  readonly grant: LeaseGrant;
  /** CLOCK_MONOTONIC ns: send time of the last successful renew (or the acquire) + renew deadline. */
  validUntilNs: bigint;
}

type RenewOutcome = 'held' | 'lost' | 'unknown';

const NS_PER_MS = 1_000_000n;
const mono = (): bigint => process.hrtime.bigint();

/**
 * Lease-based leader election with fencing tokens.
 *
 * Guaranteed: this instance counts itself leader only while its lease is
 * certainly still held in the store: from the acquire until the send time of
 * its last successful renew plus LEADER_RENEW_DEADLINE_MS, which is shorter
 * than the lease, on the monotonic clock. A watchdog timer, apart from the
 * loop, demotes it at that deadline whatever the loop is doing. Every term
 * has a fencing token greater than all earlier ones.
 *
 * Not guaranteed: that no stale leader ever acts. A process paused past its
 * lease (GC, SIGSTOP, an event-loop stall) resumes believing it leads until
 * its timers run. Fencing is what makes that harmless, and only for writes
 * that go through a fenced script (FencedWriter); see docs/leader.md.
 */
@BackgroundTask({ name: LEADER_ELECTION_TASK })
@Injectable()
export class LeaderElectionService implements BackgroundTaskHost {
  readonly instanceId: string;
  private readonly logger: Logger;
  private readonly events = new EventEmitter();
  private readonly watchdog = new LeaseWatchdog();
  private readonly outage: OutageLog;
  private readonly deadlineNs: bigint;
  private term: Term | null = null;
  private demotion: Promise<void> = Promise.resolve();
  private lastHolder: LeaseHolder | null = null;
  private readonly waker = new LoopWaker();

  constructor(
    @Inject(LEASE_STORE) private readonly store: LeaseStore,
    private readonly supervisor: TaskSupervisor,
    private readonly config: ConfigService<Env, true>,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.instanceId = config.get('INSTANCE_ID', { infer: true });
    this.logger = rootLogger.child({ component: 'leader', instanceId: this.instanceId });
    this.outage = new OutageLog(this.logger);
    this.deadlineNs = BigInt(config.get('LEADER_RENEW_DEADLINE_MS', { infer: true })) * NS_PER_MS;
    this.events.setMaxListeners(0);
  }

  get role(): LeaderRole {
    return this.term ? 'leader' : 'follower';
  }

  /** The holder as last read from the lease (this instance while it leads); null when unknown or free. */
  get leaderId(): string | null {
    return this.term ? this.instanceId : (this.lastHolder?.holderId ?? null);
  }

  get fencingToken(): number | null {
    return this.term?.grant.token ?? null;
  }

  /** While leader: time until this instance demotes itself unless a renew succeeds. */
  get leaseRemainingMs(): number | null {
    if (!this.term) return null;
    return Math.max(0, Number((this.term.validUntilNs - mono()) / NS_PER_MS));
  }

  /** The current holder read from the store (may reject when the store is unreachable). */
  async readHolder(): Promise<LeaseHolder | null> {
    this.lastHolder = await this.store.read();
    return this.lastHolder;
  }

  onAcquired(listener: (event: LeadershipAcquiredEvent) => void): () => void {
    this.events.on('acquired', listener);
    return () => this.events.off('acquired', listener);
  }

  onLost(listener: (event: LeadershipLostEvent) => void): () => void {
    this.events.on('lost', listener);
    return () => this.events.off('lost', listener);
  }

  async run(ctx: TaskContext): Promise<void> {
    const { signal } = ctx;
    const renewEveryMs = this.config.get('LEADER_RENEW_INTERVAL_MS', { infer: true });
    const retryEveryMs = this.config.get('LEADER_RETRY_INTERVAL_MS', { infer: true });
    // Followers wake at once when the leader releases, instead of waiting for the retry period.
    const unsubscribe = this.store.onReleased(() => this.waker.wake());
    try {
      while (!signal.aborted) {
        const term = this.term;
        if (term) {
          await this.renew(term);
          await this.waker.sleep(renewEveryMs, signal);
        } else {
          // Leader-only runs of the last term must have settled before a new term starts.
          await this.demotion;
          if (signal.aborted) break;
          await this.tryAcquire(signal);
          if (!this.term) await this.waker.sleep(retryEveryMs, signal);
        }
      }
    } finally {
      unsubscribe();
      await this.stepDown(signal.aborted ? 'stopping' : 'election loop ended');
    }
  }

  private async tryAcquire(signal: AbortSignal): Promise<void> {
    const sentNs = mono();
    let grant: LeaseGrant | null;
    try {
      grant = await this.store.acquire(this.instanceId);
    } catch (error: unknown) {
      this.outage.failed(error, 'acquire');
      return;
    }
    this.outage.succeeded();
    if (!grant) {
      const holder = await this.readHolder().catch(() => null);
      if (holder?.holderId === this.instanceId) {
        // An acquire of ours that timed out here but ran in Redis later: no
        // task ever acted on that term, so hand it back instead of waiting out its TTL.
        await this.releaseQuietly({ token: holder.token, holderId: holder.holderId });
      }
      return;
    }
    const term: Term = { grant, validUntilNs: sentNs + this.deadlineNs };
    if (signal.aborted || mono() >= term.validUntilNs) {
      // Stopping, or the reply came too late to trust: hand the lease straight back.
      await this.releaseQuietly(grant);
      return;
    }
    this.term = term;
    this.lastHolder = null;
    this.logger.info(
      {
        fencingToken: grant.token,
        monoNs: String(mono()),
        validUntilMonoNs: String(term.validUntilNs),
      },
      'leadership acquired',
    );
    this.watchdog.arm(term.validUntilNs, () => void this.demote(term, 'renew deadline passed'));
    if (this.term !== term) return;
    this.supervisor.leadershipAcquired({ token: grant.token, leaderId: this.instanceId });
    this.emit('acquired', { token: grant.token, leaderId: this.instanceId });
  }

  private async renew(term: Term): Promise<void> {
    const sentNs = mono();
    const outcome = await this.renewOutcome(term);
    // Demoted while the renew was in flight: a late "held" never extends a finished term.
    if (this.term !== term) return;
    switch (outcome) {
      case 'held':
        term.validUntilNs = sentNs + this.deadlineNs;
        this.watchdog.arm(term.validUntilNs, () => void this.demote(term, 'renew deadline passed'));
        this.logger.debug(
          { fencingToken: term.grant.token, validUntilMonoNs: String(term.validUntilNs) },
          'leadership renewed',
        );
        return;
      case 'lost':
        await this.demote(term, 'lease lost');
        return;
      case 'unknown':
        // Keep trying until the watchdog's deadline; never extend on an unknown outcome.
        return;
      default: {
        const unreachable: never = outcome;
        return unreachable;
      }
    }
  }

  private async renewOutcome(term: Term): Promise<RenewOutcome> {
    const leftMs = Number((term.validUntilNs - mono()) / NS_PER_MS);
    if (leftMs <= 0) return 'unknown';
    try {
      const held = await within(this.store.renew(term.grant), leftMs, 'renew reply');
      this.outage.succeeded();
      return held ? 'held' : 'lost';
    } catch (error: unknown) {
      this.outage.failed(error, 'renew');
      return 'unknown';
    }
  }

  /** Order: follower first, then abort leader-only runs and wait for them, then tell listeners. */
  private demote(term: Term, reason: string): Promise<void> {
    if (this.term !== term) return this.demotion;
    this.term = null;
    this.watchdog.disarm();
    this.logger.warn(
      { fencingToken: term.grant.token, monoNs: String(mono()), reason },
      'leadership lost',
    );
    this.demotion = this.settleLeaderOnlyTasks().then(() =>
      this.emit('lost', { token: term.grant.token, reason }),
    );
    this.waker.wake();
    return this.demotion;
  }

  /** Shutdown or loop end: leader-only tasks stop first, then the lease is released (followers told). */
  private async stepDown(reason: string): Promise<void> {
    const term = this.term;
    if (!term) return this.demotion;
    this.term = null;
    this.watchdog.disarm();
    this.logger.info(
      { fencingToken: term.grant.token, monoNs: String(mono()), reason },
      'leadership lost',
    );
    await this.settleLeaderOnlyTasks();
    if (await this.releaseQuietly(term.grant)) {
      this.logger.info({ fencingToken: term.grant.token }, 'lease released; followers notified');
    }
    this.emit('lost', { token: term.grant.token, reason });
  }

  private async settleLeaderOnlyTasks(): Promise<void> {
    const budgetMs = this.config.get('SHUTDOWN_TIMEOUT_MS', { infer: true });
    await this.supervisor.leadershipLost(AbortSignal.timeout(budgetMs));
  }

  private async releaseQuietly(grant: LeaseGrant): Promise<boolean> {
    try {
      return await this.store.release(grant);
    } catch (error: unknown) {
      this.logger.warn(
        { err: error, fencingToken: grant.token },
        'could not release the lease; it expires on its own',
      );
      return false;
    }
  }

  private emit(event: 'acquired', payload: LeadershipAcquiredEvent): void;
  private emit(event: 'lost', payload: LeadershipLostEvent): void;
  private emit(event: string, payload: unknown): void {
    try {
      this.events.emit(event, payload);
    } catch (error: unknown) {
      this.logger.error({ err: error, event }, 'a leadership listener threw; ignored');
    }
  }
}
