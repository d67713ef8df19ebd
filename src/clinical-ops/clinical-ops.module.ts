import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import type { Redis } from 'ioredis';
import { ApiTokenGuard } from '../auth/api-token.guard.js';
import type { Env } from '../config/env.schema.js';
import { InMemoryStreams } from '../embedded/in-memory-streams.js';
import { FencedWriter } from '../leader/fenced-writer.service.js';
import { LeaderModule } from '../leader/leader.module.js';
import { RedisConnectionFactory } from '../redis/redis-connection.factory.js';
import { REDIS_CLIENT } from '../redis/redis.constants.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { ClinicalOpsInboxProcessor } from './clinical-ops-inbox.processor.js';
import { ClinicalOpsStatusContributor } from './clinical-ops-status.contributor.js';
import { ClinicalOpsController } from './clinical-ops.controller.js';
import { INBOX_QUEUE, WORKLIST_STORE } from './clinical-ops.constants.js';
import type { InboxQueue } from './inbox-queue.interface.js';
import { MemoryInboxQueue } from './memory-inbox.queue.js';
import { MemoryWorklistStore } from './memory-worklist.store.js';
import { RedisInboxQueue } from './redis-inbox.queue.js';
import { RedisWorklistStore } from './redis-worklist.store.js';
import { SlaPolicy } from './sla.policy.js';
import { SlaSweepService } from './sla-sweep.service.js';
import type { WorklistStore } from './worklist.interface.js';

/**
 * The clinical ops inbox: the leader-only processor that files inbox items on
 * the worklist, the SLA sweep that escalates overdue ones, and the HTTP API.
 * Redis adapters when REDIS_URL is set; in-memory ones (one instance) otherwise.
 */
@Module({
  imports: [ScheduleModule.forRoot(), TasksModule, LeaderModule],
  controllers: [ClinicalOpsController],
  providers: [
    ApiTokenGuard,
    SlaPolicy,
    {
      provide: WORKLIST_STORE,
      inject: [REDIS_CLIENT, FencedWriter],
      // Embedded mode (warned about once, by RedisModule): the worklist lives in memory.
      useFactory: (redis: Redis | null, writer: FencedWriter): WorklistStore =>
        redis ? new RedisWorklistStore(redis, writer) : new MemoryWorklistStore(),
    },
    {
      provide: INBOX_QUEUE,
      inject: [REDIS_CLIENT, RedisConnectionFactory, ConfigService, InMemoryStreams],
      useFactory: (
        redis: Redis | null,
        factory: RedisConnectionFactory,
        config: ConfigService<Env, true>,
        memory: InMemoryStreams,
      ): InboxQueue => {
        const stream = config.get('CLINICAL_OPS_INBOX_STREAM', { infer: true });
        const group = config.get('CLINICAL_OPS_GROUP', { infer: true });
        return redis
          ? new RedisInboxQueue(
              redis,
              factory,
              stream,
              group,
              config.get('REDIS_CONNECT_TIMEOUT_MS', { infer: true }),
            )
          : new MemoryInboxQueue(memory, stream, group);
      },
    },
    SlaSweepService,
    ClinicalOpsInboxProcessor,
    ClinicalOpsStatusContributor,
  ],
})
export class ClinicalOpsModule {}
