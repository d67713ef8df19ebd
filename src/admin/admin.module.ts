import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InMemoryStreams } from '../embedded/in-memory-streams.js';
import { REDIS_CLIENT } from '../redis/redis.constants.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { AdminTasksController } from './admin-tasks.controller.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { DeadLetterStatusContributor } from './dead-letter-status.contributor.js';
import type { DeadLetterStore } from './dead-letter-store.interface.js';
import { DEAD_LETTER_STORE } from './dead-letter.constants.js';
import { DeadLetterService } from './dead-letter.service.js';
import { DeadLettersController } from './dead-letters.controller.js';
import { InMemoryDeadLetterStore } from './in-memory-dead-letter.store.js';
import { RedisDeadLetterStore } from './redis-dead-letter.store.js';

/**
 * /admin: tasks (list, restart, stop) and dead letters (list, redrive).
 * Every route answers 404 unless ADMIN_TOKEN is set, 401 without the token.
 * DEAD_LETTER_STORE is exported so embedded mode can replace the adapter.
 */
@Module({
  imports: [TasksModule],
  controllers: [AdminTasksController, DeadLettersController],
  providers: [
    AdminTokenGuard,
    {
      provide: DEAD_LETTER_STORE,
      inject: [REDIS_CLIENT, InMemoryStreams],
      useFactory: (redis: Redis | null, memory: InMemoryStreams): DeadLetterStore =>
        redis ? new RedisDeadLetterStore(redis) : new InMemoryDeadLetterStore(memory),
    },
    DeadLetterService,
    DeadLetterStatusContributor,
  ],
  exports: [DEAD_LETTER_STORE, DeadLetterService],
})
export class AdminModule {}
