import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TaskRegistry } from './task.registry.js';
import { TaskSupervisor } from './task.supervisor.js';
import { TasksExplorer } from './tasks.explorer.js';

@Module({
  imports: [DiscoveryModule],
  providers: [TaskRegistry, TaskSupervisor, TasksExplorer],
  exports: [TaskRegistry, TaskSupervisor],
})
export class TasksModule {}
