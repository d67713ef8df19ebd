import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Env } from '../config/env.schema.js';
import { TaskRegistry } from '../tasks/task.registry.js';
import { TaskState } from '../tasks/task-state.enum.js';
import type { LeaseHolder } from './lease-store.interface.js';
import { LeaderElectionService } from './leader-election.service.js';
import { LEADER_ELECTION_TASK } from './leader.constants.js';
import { within } from './within.js';

/**
 * `details.leader` in /health: role, the current holder read from the lease,
 * this instance, token and lease time left. Being a follower is healthy: down
 * only when the election task itself has failed. Never throws; the lease read
 * is bounded by HEALTH_CHECK_TIMEOUT_MS.
 */
@Injectable()
export class LeaderHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly election: LeaderElectionService,
    private readonly registry: TaskRegistry,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async check(): Promise<HealthIndicatorResult<'leader'>> {
    const session = this.indicator.check('leader');
    const { holder, error } = await this.readHolder();
    const details = {
      role: this.election.role,
      leaderId: holder === undefined ? this.election.leaderId : (holder?.holderId ?? null),
      instanceId: this.election.instanceId,
      fencingToken: this.election.fencingToken,
      leaseRemainingMs: holder?.remainingMs ?? null,
      ...(this.election.role === 'leader' && {
        validityRemainingMs: this.election.leaseRemainingMs,
      }),
      ...(error !== undefined && { leaseReadError: error }),
    };
    if (this.registry.get(LEADER_ELECTION_TASK)?.state === TaskState.Failed) {
      return session.down({ ...details, message: 'the leader-election task has failed' });
    }
    return session.up(details);
  }

  /** `holder` undefined: could not read (error says why); null: the lease is free. */
  private async readHolder(): Promise<{ holder?: LeaseHolder | null; error?: string }> {
    const timeoutMs = this.config.get('HEALTH_CHECK_TIMEOUT_MS', { infer: true });
    try {
      return { holder: await within(this.election.readHolder(), timeoutMs, 'answer') };
    } catch (error: unknown) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }
}
