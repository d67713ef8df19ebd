import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LeaderModule } from '../leader/leader.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { EventLoopHealthIndicator } from './event-loop.indicator.js';
import { EventLoopMonitor } from './event-loop.monitor.js';
import { HealthController } from './health.controller.js';
import { ShutdownHealthIndicator } from './shutdown.indicator.js';
import { ShutdownStateService } from './shutdown-state.service.js';
import { TasksHealthIndicator } from './tasks.indicator.js';

@Module({
  // Terminus would log every failed probe as an error; our indicators log what matters once.
  imports: [TerminusModule.forRoot({ logger: false }), TasksModule, LeaderModule],
  controllers: [HealthController],
  providers: [
    EventLoopMonitor,
    EventLoopHealthIndicator,
    ShutdownStateService,
    ShutdownHealthIndicator,
    TasksHealthIndicator,
  ],
  exports: [ShutdownStateService, EventLoopMonitor],
})
export class HealthModule {}
