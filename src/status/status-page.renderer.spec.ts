import { describe, expect, it } from '@jest/globals';
import { TaskState } from '../tasks/task-state.enum.js';
import type { TaskStatus } from '../tasks/task-status.interface.js';
import { duration, renderStatusPage } from './status-page.renderer.js';
import type { StatusPageModel } from './status-page.model.js';

const NOW = Date.UTC(2026, 11, 3, 3, 0, 0);

const task = (over: Partial<TaskStatus>): TaskStatus => ({
  name: 'poller',
  state: TaskState.Running,
  since: NOW - 65_000,
  critical: false,
  leaderOnly: false,
  restartPolicy: 'always',
  restarts: 0,
  crashes: 0,
  consecutiveCrashes: 0,
  ...over,
});

const model = (over: Partial<StatusPageModel>): StatusPageModel => ({
  instanceId: 'pod-a',
  now: NOW,
  startedAt: NOW - 3_600_000,
  mode: 'redis',
  shuttingDown: false,
  refreshSeconds: 5,
  tasks: [],
  sections: [],
  ...over,
});

describe(renderStatusPage, () => {
  it('escapes every interpolated value: task names, errors, section titles and rows, the instance id', () => {
    const html = renderStatusPage(
      model({
        instanceId: 'pod"><script>x()</script>',
        tasks: [
          task({
            name: '<img src=x onerror=alert(1)>',
            state: TaskState.Failed,
            lastError: { name: 'Error', message: '<script>alert(2)</script>', at: NOW },
          }),
        ],
        sections: [{ title: '<i>t</i>', rows: [['<b>k</b>', '"&\'']] }],
      }),
    );
    expect(html).not.toMatch(/<script>|<img|<i>|<b>k/);
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('&quot;&amp;&#39;');
  });

  it.each([
    [TaskState.Running, 'ok'],
    [TaskState.Standby, 'ok'],
    [TaskState.Starting, 'warn'],
    [TaskState.Backoff, 'warn'],
    [TaskState.Stalled, 'bad'],
    [TaskState.Failed, 'bad'],
    [TaskState.Stopped, 'bad'],
  ])('colours a %s task %s', (state, tone) => {
    const html = renderStatusPage(model({ tasks: [task({ state })] }));
    expect(html).toContain(`<td class="state tone-${tone}">${state}</td>`);
  });

  it('names the down tasks in the headline', () => {
    const html = renderStatusPage(
      model({
        tasks: [
          task({ name: 'a', state: TaskState.Failed }),
          task({ name: 'b', state: TaskState.Stalled }),
          task({ name: 'c' }),
        ],
      }),
    );
    expect(html).toContain('<div class="banner tone-bad" id="summary">2 tasks down: a, b</div>');
  });

  it('writes durations short', () => {
    expect([
      duration(12_000),
      duration(125_000),
      duration(3_720_000),
      duration(90_000_000),
    ]).toEqual(['12s', '2m 5s', '1h 2m', '1d 1h']);
  });
});
