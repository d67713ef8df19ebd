import { Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { afterEach, describe, expect, it } from '@jest/globals';
import { BackgroundTask } from '../src/tasks/background-task.decorator.js';
import type { BackgroundTaskHost, TaskContext } from '../src/tasks/background-task.interface.js';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitUntil } from './support/wait-until.js';

const untilAborted = (ctx: TaskContext): Promise<void> =>
  new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));

// A module written here, in the test: nothing in src/tasks knows about it.
@BackgroundTask({ name: 'flaky-connect' })
@Injectable()
class FlakyConnectTask implements BackgroundTaskHost {
  async start(): Promise<void> {
    throw new Error('ECONNREFUSED 127.0.0.1:1 (simulated connect failure)');
  }
  async run(): Promise<void> {}
}

@BackgroundTask({ name: 'rejects-at-once' })
@Injectable()
class RejectingTask implements BackgroundTaskHost {
  async run(): Promise<void> {
    throw new Error('poller exploded');
  }
}

@Module({ providers: [FlakyConnectTask, RejectingTask] })
class FailingModule {}

@BackgroundTask({ name: 'hangs-on-connect' })
@Injectable()
class HangingStartTask implements BackgroundTaskHost {
  start(): Promise<void> {
    return new Promise(() => undefined); // a connect that never answers
  }
  async run(): Promise<void> {}
}

@Module({ providers: [HangingStartTask] })
class HangingModule {}

@BackgroundTask({
  name: 'silent-worker',
  stallTimeoutMs: 100,
  backoff: { initialMs: 50, maxMs: 50 },
})
@Injectable()
class SilentTask implements BackgroundTaskHost {
  async run(ctx: TaskContext): Promise<void> {
    await untilAborted(ctx); // never calls ctx.heartbeat()
  }
}

@Module({ providers: [SilentTask] })
class StallingModule {}

@BackgroundTask({ name: 'essential', critical: true, restart: 'never' })
@Injectable()
class CriticalTask implements BackgroundTaskHost {
  static fail = false;
  async run(ctx: TaskContext): Promise<void> {
    if (CriticalTask.fail) throw new Error('critical task died');
    await untilAborted(ctx);
  }
}

@BackgroundTask({ name: 'optional', restart: 'never' })
@Injectable()
class OptionalTask implements BackgroundTaskHost {
  async run(): Promise<void> {
    throw new Error('optional task died');
  }
}

@Module({ providers: [CriticalTask, OptionalTask] })
class ReadinessModule {}

@BackgroundTask({ name: 'team-x-report' })
@Injectable()
class TeamXTask implements BackgroundTaskHost, OnApplicationBootstrap {
  bootstrapped = false;
  onApplicationBootstrap(): void {
    this.bootstrapped = true;
  }
  async run(ctx: TaskContext): Promise<void> {
    await untilAborted(ctx);
  }
}

@Module({ providers: [TeamXTask] })
class TeamXModule {}

@BackgroundTask({ name: 'slow-details' })
@Injectable()
class SlowDetailsTask implements BackgroundTaskHost {
  async run(ctx: TaskContext): Promise<void> {
    await untilAborted(ctx);
  }
  healthDetails(): Promise<Record<string, unknown>> {
    return new Promise(() => undefined); // a lag query against a Redis that never answers
  }
}

@Module({ providers: [SlowDetailsTask] })
class SlowDetailsModule {}

let current: TestApp | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const taskDetails = async (t: TestApp) => (await request(`${t.baseUrl}/health`)).body.details.tasks;

describe('supervised start-up (the incident)', () => {
  it('serves while a module fails to connect and a task rejects at once, restarting both with growing delays', async () => {
    current = await startTestApp({
      imports: [FailingModule],
      env: { TASK_BACKOFF_INITIAL_MS: '20', TASK_BACKOFF_MAX_MS: '2000' },
    });
    const t = current;
    expect((await request(`${t.baseUrl}/health/live`)).status).toBe(200);

    // The crash log: error level once it repeats, the error object with its stack, the task named.
    const crash = await t.logs.waitFor(
      (l) =>
        l.task === 'rejects-at-once' && l.level === 50 && l.msg?.includes('task crashed') === true,
    );
    expect((crash.err as { stack: string }).stack).toMatch(/poller exploded\n\s+at /);
    expect(crash.msg).toContain('the worker goes on');

    await waitUntil(async () => (await taskDetails(t))['rejects-at-once'].restarts >= 3, {
      what: '3 restarts',
    });
    const ceilings = t.logs
      .filter((l) => l.task === 'rejects-at-once' && l.msg?.includes('task crashed') === true)
      .map((l) => l.backoffCeilingMs as number);
    expect(ceilings.slice(0, 4)).toEqual([20, 40, 80, 160]);

    const tasks = await taskDetails(t);
    expect(tasks['rejects-at-once']).toMatchObject({
      lastError: 'poller exploded',
      critical: false,
    });
    expect(['backoff', 'starting', 'running']).toContain(tasks['rejects-at-once'].state);
    expect(tasks['flaky-connect'].lastError).toContain('ECONNREFUSED');
    expect(tasks['flaky-connect'].crashes).toBeGreaterThanOrEqual(1);
    expect((await request(`${t.baseUrl}/health/live`)).status).toBe(200);
  });

  it('listens and answers liveness while a task start-up never resolves, showing it as not started', async () => {
    const booted = performance.now();
    current = await startTestApp({ imports: [HangingModule], env: { SHUTDOWN_TIMEOUT_MS: '300' } });
    const live = await request(`${current.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    expect(performance.now() - booted).toBeLessThan(2_000);
    const tasks = await taskDetails(current);
    expect(tasks['hangs-on-connect']).toMatchObject({ state: 'starting', restarts: 0, crashes: 0 });
  });

  it('reports a task that stops heart-beating as stalled, aborts it and restarts it', async () => {
    current = await startTestApp({ imports: [StallingModule] });
    await current.logs.waitFor(
      (l) => l.task === 'silent-worker' && l.msg?.includes('task stalled') === true,
    );
    await waitUntil(async () => (await taskDetails(current!))['silent-worker'].restarts >= 1, {
      what: 'a restart',
    });
    const task = (await taskDetails(current))['silent-worker'];
    expect(task.lastError).toMatch(/no heartbeat for \d+ ms/);
  });

  it('supervises a task from a module written outside src/, with its own hooks intact', async () => {
    current = await startTestApp({ imports: [TeamXModule] });
    const task = await waitUntil(async () => {
      const t = (await taskDetails(current!))['team-x-report'];
      return t?.state === 'running' ? t : undefined;
    });
    expect(task).toMatchObject({ state: 'running', restarts: 0 });
    expect(current.app.get(TeamXTask).bootstrapped).toBe(true);
  });
});

describe('probes', () => {
  it('fails readiness when a critical task is down, naming it; liveness stays 200', async () => {
    CriticalTask.fail = true;
    current = await startTestApp({ imports: [ReadinessModule] });
    const t = current;
    await waitUntil(async () => (await taskDetails(t)).essential.state === 'failed', {
      what: 'essential failed',
    });
    const ready = await request(`${t.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.tasks.notReady).toEqual(['essential']);
    expect((await request(`${t.baseUrl}/health/live`)).status).toBe(200);
    const all = await request(`${t.baseUrl}/health`);
    expect(all.status).toBe(503);
    expect(all.body.details.tasks.down.sort()).toEqual(['essential', 'optional']);
  });

  it('stays ready when only a non-critical task is down', async () => {
    CriticalTask.fail = false;
    current = await startTestApp({ imports: [ReadinessModule] });
    const t = current;
    await waitUntil(
      async () => {
        const tasks = await taskDetails(t);
        return tasks.optional.state === 'failed' && tasks.essential.state === 'running';
      },
      { what: 'optional failed, essential running' },
    );
    const ready = await request(`${t.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    // Other modules' critical tasks (the poller's) are listed too; the failed optional one is not.
    expect(ready.body.details.tasks).toMatchObject({
      status: 'up',
      essential: { state: 'running' },
    });
    expect(ready.body.details.tasks.optional).toBeUndefined();
    expect((await request(`${t.baseUrl}/health/live`)).status).toBe(200);
  });

  it('answers /health within its bound when a task health query hangs', async () => {
    current = await startTestApp({
      imports: [SlowDetailsModule],
      env: { HEALTH_CHECK_TIMEOUT_MS: '200' },
    });
    const started = performance.now();
    const health = await request(`${current.baseUrl}/health`);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(health.body.details.tasks['slow-details'].details).toEqual({
      error: 'no answer within 200 ms',
    });
  });

  it('shows event-loop delay in liveness', async () => {
    current = await startTestApp();
    const live = await request(`${current.baseUrl}/health/live`);
    expect(live.body.details.eventLoop).toMatchObject({ status: 'up', boundMs: 5000 });
    expect(typeof live.body.details.eventLoop.p99Ms).toBe('number');
  });
});
