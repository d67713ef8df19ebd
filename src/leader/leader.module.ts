import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { RedisConnectionFactory } from '../redis/redis-connection.factory.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { FencedWriter } from './fenced-writer.service.js';
import type { LeaseStore } from './lease-store.interface.js';
import { LeaderElectionService } from './leader-election.service.js';
import { LEASE_STORE } from './leader.constants.js';
import { LeaderHealthIndicator } from './leader.indicator.js';
import { MemoryLeaseStore } from './memory-lease.store.js';
import { RedisLeaseStore } from './redis-lease.store.js';

function createLeaseStore(
  factory: RedisConnectionFactory,
  config: ConfigService<Env, true>,
  rootLogger: Logger,
): LeaseStore {
  const logger = rootLogger.child({ component: 'leader' });
  const leaseMs = config.get('LEADER_LEASE_MS', { infer: true });
  // Embedded mode (warned about once, by RedisModule): the single instance always leads.
  if (!factory.configured) return new MemoryLeaseStore(leaseMs);
  return new RedisLeaseStore({
    // Its own coordination connection: a renew never waits behind other modules' commands.
    redis: factory.create('leader', 'command'),
    createSubscriber: () => factory.create('leader-released', 'blocking'),
    leaderKey: config.get('LEADER_KEY', { infer: true }),
    leaseMs,
    logger,
  });
}

/** Leader election (a supervised task), fencing for leader-only writes, and `details.leader` in /health. */
@Module({
  imports: [TasksModule, TerminusModule],
  providers: [
    {
      provide: LEASE_STORE,
      inject: [RedisConnectionFactory, ConfigService, ROOT_LOGGER],
      useFactory: createLeaseStore,
    },
    LeaderElectionService,
    FencedWriter,
    LeaderHealthIndicator,
  ],
  exports: [LeaderElectionService, FencedWriter, LeaderHealthIndicator],
})
export class LeaderModule {}
