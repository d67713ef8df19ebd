import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { TaskRegistry } from '../tasks/task.registry.js';
import { TaskState } from '../tasks/task-state.enum.js';
import { METRIC_PREFIX, METRICS_REGISTRY } from './metrics.constants.js';

const STATES = Object.values(TaskState);

/**
 * Per-task series, read from the TaskRegistry at scrape time (collect()), so
 * the registry stays the one owner of task state and nothing is written twice.
 * Labels: the task name and the state name only.
 */
@Injectable()
export class TaskMetricsCollector {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, tasks: TaskRegistry) {
    const registers = [registry];
    new Gauge({
      name: `${METRIC_PREFIX}task_state`,
      help: 'Current state of each supervised task: 1 for the state it is in, 0 for the others.',
      labelNames: ['task', 'state'],
      registers,
      collect() {
        this.reset();
        for (const task of tasks.list()) {
          for (const state of STATES)
            this.set({ task: task.name, state }, task.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}task_state_since_seconds`,
      help: 'Unix time of the last state change of each task.',
      labelNames: ['task'],
      registers,
      collect() {
        this.reset();
        for (const task of tasks.list()) this.set({ task: task.name }, task.since / 1000);
      },
    });
    new Counter({
      name: `${METRIC_PREFIX}task_restarts_total`,
      help: 'Runs started after the first, per task.',
      labelNames: ['task'],
      registers,
      collect() {
        this.reset();
        for (const task of tasks.list()) this.inc({ task: task.name }, task.restarts);
      },
    });
    new Counter({
      name: `${METRIC_PREFIX}task_crashes_total`,
      help: 'Crashes (rejections, throws, unexpected returns, stalls) per task since boot.',
      labelNames: ['task'],
      registers,
      collect() {
        this.reset();
        for (const task of tasks.list()) this.inc({ task: task.name }, task.crashes);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}task_consecutive_crashes`,
      help: 'Crashes since the task last ran healthy; drives its backoff.',
      labelNames: ['task'],
      registers,
      collect() {
        this.reset();
        for (const task of tasks.list()) this.set({ task: task.name }, task.consecutiveCrashes);
      },
    });
  }
}
