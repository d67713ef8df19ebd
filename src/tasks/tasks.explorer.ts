import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { BackgroundTask } from './background-task.decorator.js';
import type { BackgroundTaskHost } from './background-task.interface.js';
import { InvalidTaskHostError } from './task.errors.js';
import { TaskSupervisor } from './task.supervisor.js';

/** Finds every @BackgroundTask provider at boot and hands it to the supervisor. */
@Injectable()
export class TasksExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly supervisor: TaskSupervisor,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: BackgroundTask.KEY })) {
      const options = this.discovery.getMetadataByDecorator(BackgroundTask, wrapper);
      if (!options) continue;
      if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
        throw new InvalidTaskHostError(
          options.name,
          'it must be a singleton provider, not request-scoped or transient',
        );
      }
      const host = wrapper.instance as Partial<BackgroundTaskHost> | undefined;
      if (!host || typeof host.run !== 'function') {
        throw new InvalidTaskHostError(options.name, 'its class has no run(ctx) method');
      }
      this.supervisor.register(options, host as BackgroundTaskHost);
    }
  }
}
