import { Global, Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module.js';
import { LeaderModule } from '../leader/leader.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { LeaderStatusContributor } from './leader-status.contributor.js';
import { StatusSectionRegistry } from './status-section.registry.js';
import { StatusController } from './status.controller.js';
import { StatusService } from './status.service.js';

/**
 * GET /status. Global so any module can inject StatusSectionRegistry and add
 * its section (leader role, stream lag, worklist counts) with one register() call.
 */
@Global()
@Module({
  imports: [TasksModule, HealthModule, LeaderModule],
  controllers: [StatusController],
  providers: [StatusSectionRegistry, StatusService, LeaderStatusContributor],
  exports: [StatusSectionRegistry],
})
export class StatusModule {}
