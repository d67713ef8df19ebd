import { DiscoveryService } from '@nestjs/core';
import type { BackgroundTaskOptions } from './background-task.interface.js';

/**
 * Marks an injectable class as a supervised background task. The class
 * implements BackgroundTaskHost; TasksExplorer finds it at boot.
 *
 * @example
 * ＠BackgroundTask({ name: 'inbox-sweeper', critical: true, stallTimeoutMs: 30_000 })
 * ＠Injectable()
 * export class InboxSweeper implements BackgroundTaskHost { async run(ctx) { ... } }
 */
export const BackgroundTask = DiscoveryService.createDecorator<BackgroundTaskOptions>();
