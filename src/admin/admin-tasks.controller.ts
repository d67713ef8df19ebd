import {
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging/logging.constants.js';
import { TaskRegistry } from '../tasks/task.registry.js';
import { TaskSupervisor } from '../tasks/task.supervisor.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { toTaskView, type TaskView } from './task-view.js';

/**
 * GET  /admin/tasks                the registry snapshot
 * POST /admin/tasks/:name/restart  stop (if running) and start again; also brings back a `failed` task
 * POST /admin/tasks/:name/stop     stop; the task stays `stopped` until restarted
 */
@Controller('admin/tasks')
@UseGuards(AdminTokenGuard)
export class AdminTasksController {
  private readonly logger: Logger;

  constructor(
    private readonly registry: TaskRegistry,
    private readonly supervisor: TaskSupervisor,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ component: 'admin' });
  }

  @Get()
  list(): { tasks: TaskView[] } {
    return { tasks: this.registry.list().map(toTaskView) };
  }

  @Post(':name/restart')
  @HttpCode(200)
  async restart(@Param('name') name: string): Promise<{ restarted: true; task: TaskView }> {
    const before = this.mustGet(name);
    const restarted = await this.supervisor.restart(name);
    if (!restarted) {
      this.logger.warn({ task: name, state: before.state }, 'admin restart refused');
      throw new ConflictException(
        `task "${name}" cannot be restarted now (shutting down, or its last run ignores its abort signal)`,
      );
    }
    this.logger.info({ task: name, from: before.state }, 'task restarted by admin');
    return { restarted: true, task: this.mustGet(name) };
  }

  @Post(':name/stop')
  @HttpCode(200)
  async stop(@Param('name') name: string): Promise<{ stopped: boolean; task: TaskView }> {
    const before = this.mustGet(name);
    const stopped = await this.supervisor.stop(name);
    this.logger.info({ task: name, from: before.state, stopped }, 'task stopped by admin');
    return { stopped, task: this.mustGet(name) };
  }

  private mustGet(name: string): TaskView {
    const status = this.registry.get(name);
    if (!status) throw new NotFoundException(`no task named "${name}"`);
    return toTaskView(status);
  }
}
