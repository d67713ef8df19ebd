import { EventEmitter, once } from 'node:events';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createCaptureLogger } from '../../test/support/capture-logger.js';
import type {
  BackgroundTaskHost,
  BackgroundTaskOptions,
  TaskContext,
  TaskDefinition,
} from './background-task.interface.js';
import type { LeadershipSource } from './leadership-source.interface.js';
import type { LeadershipTerm } from './leadership-term.interface.js';
import { TaskRegistry } from './task.registry.js';
import { TaskRunner } from './task.runner.js';
import { TaskState } from './task-state.enum.js';

/** A leadership source a test can flip, as the leader module flips the supervisor's. */
class TestLeadership implements LeadershipSource {
  private term: LeadershipTerm | null = null;
  private readonly events = new EventEmitter();
  set(term: LeadershipTerm | null): void {
    this.term = term;
    this.events.emit('change');
  }
  current(): LeadershipTerm | null {
    return this.term;
  }
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.events.off('change', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.events.on('change', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
  watchTerm(token: number, onLost: () => void): () => void {
    const check = (): void => {
      if (this.term?.token !== token) onLost();
    };
    this.events.on('change', check);
    return () => this.events.off('change', check);
  }
}

const fastBackoff = { initialMs: 5, maxMs: 40, factor: 2, resetAfterMs: 60_000 };

function setup(
  options: Partial<BackgroundTaskOptions>,
  host: BackgroundTaskHost,
  abortGraceMs = 1_000,
) {
  const registry = new TaskRegistry();
  const leadership = new TestLeadership();
  const { logger, logs } = createCaptureLogger();
  const definition: TaskDefinition = {
    host,
    options: {
      name: options.name ?? 'test-task',
      leaderOnly: options.leaderOnly ?? false,
      critical: options.critical ?? false,
      restart: options.restart ?? 'always',
      crashBudget: options.crashBudget,
      stallTimeoutMs: options.stallTimeoutMs,
      backoff: { ...fastBackoff, ...options.backoff },
    },
  };
  registry.add(definition);
  const runner = new TaskRunner(definition, {
    registry,
    leadership,
    logger: logger.child({ task: definition.options.name }),
    abortGraceMs,
  });
  const states: TaskState[] = [];
  const original = registry.transition.bind(registry);
  registry.transition = (name, to, patch) => {
    original(name, to, patch);
    if (states.at(-1) !== to) states.push(to);
  };
  runners.push(runner);
  return {
    registry,
    leadership,
    logs,
    runner,
    states,
    status: () => registry.get(definition.options.name)!,
  };
}

/** Resolves when `n` calls have been made. */
class Calls {
  count = 0;
  private readonly events = new EventEmitter();
  hit(): void {
    this.count += 1;
    this.events.emit('hit', this.count);
  }
  async reach(n: number): Promise<void> {
    while (this.count < n) await once(this.events, 'hit');
  }
}

const untilAborted = (ctx: TaskContext): Promise<void> =>
  new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));

const runners: TaskRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop(AbortSignal.timeout(2_000))));
});

describe('TaskRunner', () => {
  it('restarts a task whose run rejects, with growing backoff ceilings, logging the stack', async () => {
    const calls = new Calls();
    const { runner, status, logs } = setup(
      {},
      {
        run: async () => {
          calls.hit();
          throw new Error('boom');
        },
      },
    );
    runner.start();
    await calls.reach(4);
    expect(status().crashes).toBeGreaterThanOrEqual(3);
    expect(status().restarts).toBeGreaterThanOrEqual(3);
    expect(status().lastError?.message).toBe('boom');
    const crashLines = logs.filter((l) => l.msg?.includes('task crashed') === true);
    expect(crashLines.map((l) => l.backoffCeilingMs).slice(0, 3)).toEqual([5, 10, 20]);
    for (const line of crashLines)
      expect(line.restartInMs).toBeLessThanOrEqual(line.backoffCeilingMs as number);
    expect((crashLines[0].err as { stack: string }).stack).toContain('boom');
    // A one-off is a warning; a crash loop is an error.
    expect(crashLines[0].level).toBe(40);
    expect(crashLines[1].level).toBe(50);
  });

  it('treats a synchronous throw from run as a crash', async () => {
    const calls = new Calls();
    const { runner, status } = setup(
      {},
      {
        run: () => {
          calls.hit();
          throw new TypeError('sync');
        },
      },
    );
    runner.start();
    await calls.reach(2);
    expect(status().lastError).toMatchObject({ name: 'TypeError', message: 'sync' });
  });

  it('treats a throwing start() as a crash and retries it', async () => {
    const starts = new Calls();
    const { runner, status } = setup(
      {},
      {
        start: async () => {
          starts.hit();
          if (starts.count < 3) throw new Error('connect refused');
        },
        run: untilAborted,
      },
    );
    runner.start();
    await starts.reach(3);
    await waitForState(status, TaskState.Running);
    expect(status().crashes).toBe(2);
  });

  it('counts an unexpected return of an `always` task as a crash', async () => {
    const calls = new Calls();
    const { runner, status } = setup({ restart: 'always' }, { run: async () => calls.hit() });
    runner.start();
    await calls.reach(2);
    expect(status().lastError?.name).toBe('UnexpectedReturnError');
  });

  it('completes an `on-failure` task that returns cleanly, without restarting it', async () => {
    const { runner, status, states } = setup(
      { restart: 'on-failure' },
      { run: async () => undefined },
    );
    runner.start();
    await waitForState(status, TaskState.Completed);
    expect(status().restarts).toBe(0);
    expect(states).toEqual([TaskState.Starting, TaskState.Running, TaskState.Completed]);
  });

  it('fails a `never` task on its first crash', async () => {
    const { runner, status } = setup(
      { restart: 'never' },
      { run: () => Promise.reject(new Error('once')) },
    );
    runner.start();
    await waitForState(status, TaskState.Failed);
    expect(status()).toMatchObject({ crashes: 1, restarts: 0 });
  });

  it('marks a task failed once its crash budget is spent', async () => {
    const { runner, status } = setup(
      { crashBudget: 3 },
      { run: () => Promise.reject(new Error('again')) },
    );
    runner.start();
    await waitForState(status, TaskState.Failed);
    expect(status()).toMatchObject({ crashes: 3, consecutiveCrashes: 3, restarts: 2 });
  });

  it('reports a task that stops heart-beating as stalled, aborts it and restarts it', async () => {
    const calls = new Calls();
    const seen: unknown[] = [];
    const { runner, status, states } = setup(
      { stallTimeoutMs: 60 },
      {
        run: async (ctx) => {
          calls.hit();
          await untilAborted(ctx);
          seen.push(ctx.signal.reason);
        },
      },
    );
    runner.start();
    await calls.reach(2);
    expect(states.slice(0, 5)).toEqual([
      TaskState.Starting,
      TaskState.Running,
      TaskState.Stalled,
      TaskState.Backoff,
      TaskState.Starting,
    ]);
    expect((seen[0] as Error).name).toBe('TaskStalledError');
    expect(status().lastError?.name).toBe('TaskStalledError');
  });

  it('keeps a heart-beating task running past its stall timeout', async () => {
    const beats = new Calls();
    const { runner, status } = setup(
      { stallTimeoutMs: 60 },
      {
        run: async (ctx) => {
          while (!ctx.signal.aborted) {
            ctx.heartbeat();
            beats.hit();
            await new Promise((r) => setTimeout(r, 10));
          }
        },
      },
    );
    runner.start();
    await beats.reach(30); // ~300 ms, five stall timeouts
    expect(status()).toMatchObject({ state: TaskState.Running, crashes: 0 });
  });

  it('reports a run that ignores its abort and never runs it twice at once', async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    let release: () => void = () => undefined;
    const calls = new Calls();
    const { runner, status, logs } = setup(
      { stallTimeoutMs: 40 },
      {
        run: async () => {
          calls.hit();
          concurrent += 1;
          maxConcurrent = Math.max(maxConcurrent, concurrent);
          if (calls.count === 1) await new Promise<void>((r) => (release = r)); // deaf to its signal
          concurrent -= 1;
          throw new Error('done');
        },
      },
      50,
    );
    runner.start();
    await logs.waitFor((l) => l.msg?.includes('ignores its abort signal') === true);
    expect(status().abortIgnoredSince).toBeDefined();
    expect(status().state).toBe(TaskState.Stalled);
    expect(calls.count).toBe(1);
    release();
    await calls.reach(2);
    expect(maxConcurrent).toBe(1);
  });

  it('keeps a leader-only task in standby until leadership, and aborts it when leadership is lost', async () => {
    const tokens: (number | undefined)[] = [];
    const calls = new Calls();
    const { runner, status, leadership } = setup(
      { leaderOnly: true },
      {
        run: async (ctx) => {
          tokens.push(ctx.fencingToken);
          calls.hit();
          await untilAborted(ctx);
        },
      },
    );
    runner.start();
    await waitForState(status, TaskState.Standby);
    expect(calls.count).toBe(0);
    leadership.set({ token: 7, leaderId: 'me' });
    await calls.reach(1);
    expect(status()).toMatchObject({ state: TaskState.Running, fencingToken: 7 });
    leadership.set(null);
    await waitForState(status, TaskState.Standby);
    expect(status().crashes).toBe(0);
    leadership.set({ token: 9, leaderId: 'me' });
    await calls.reach(2);
    expect(tokens).toEqual([7, 9]);
  });

  it('stops on request: aborts the run and ends in stopped', async () => {
    const calls = new Calls();
    const { runner, status } = setup(
      {},
      {
        run: async (ctx) => {
          calls.hit();
          await untilAborted(ctx);
        },
      },
    );
    runner.start();
    await calls.reach(1);
    await expect(runner.stop(AbortSignal.timeout(1_000))).resolves.toBe(true);
    expect(status().state).toBe(TaskState.Stopped);
    expect(calls.count).toBe(1);
  });

  it('gives up waiting for a run that ignores stop, at the deadline', async () => {
    let release: () => void = () => undefined;
    const started = new Calls();
    const { runner } = setup(
      {},
      {
        run: async () => {
          started.hit();
          await new Promise<void>((r) => (release = r));
        },
      },
    );
    runner.start();
    await started.reach(1);
    await expect(runner.stop(AbortSignal.timeout(50))).resolves.toBe(false);
    release();
  });
});

async function waitForState(status: () => { state: TaskState }, state: TaskState): Promise<void> {
  const deadline = Date.now() + 5_000;
  // The registry emits no events by design (one owner, read on demand); poll it briefly.
  while (status().state !== state) {
    if (Date.now() > deadline)
      throw new Error(`task never reached ${state}; it is ${status().state}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
