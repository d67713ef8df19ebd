import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LeaderElectionService } from '../leader/leader-election.service.js';
import { MetricsService } from './metrics.service.js';

/** Records every leadership change of this instance (is leader, token, transitions). */
@Injectable()
export class LeadershipMetricsListener implements OnModuleInit, OnModuleDestroy {
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly election: LeaderElectionService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.election.onAcquired(({ token }) => this.metrics.leadershipChanged(true, token)),
      this.election.onLost(() => this.metrics.leadershipChanged(false, null)),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
