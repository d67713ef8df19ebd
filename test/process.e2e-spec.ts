import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { AppProcess } from './support/app-process.js';
import { request } from './support/http.js';
import { byMsg } from './support/log-lines.js';

const ROOT = resolve(import.meta.dirname, '..');
const PROBE = 'test/fixtures/app-with-probe-task.mjs';

let app: AppProcess | undefined;
afterEach(async () => {
  await app?.kill();
  app = undefined;
});

describe('the built app as a process', () => {
  it('exits 1 before listening when PORT is invalid, naming PORT', async () => {
    const child = spawn(process.execPath, [resolve(ROOT, 'dist/main.js')], {
      env: { PATH: process.env.PATH, PORT: 'abc' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toMatch(/^\s+- PORT: /m);
  });

  it('exits 1 naming each bad variable, e.g. a negative timeout', async () => {
    const child = spawn(process.execPath, [resolve(ROOT, 'dist/main.js')], {
      env: { PATH: process.env.PATH, SHUTDOWN_TIMEOUT_MS: '-1', LOG_FORMAT: 'xml' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain('SHUTDOWN_TIMEOUT_MS');
    expect(stderr).toContain('LOG_FORMAT');
  });

  it('keeps running and serving while a task crashes over and over', async () => {
    app = await AppProcess.spawn({
      entry: PROBE,
      env: { PROBE_TASK_MODE: 'reject', TASK_BACKOFF_INITIAL_MS: '10', TASK_BACKOFF_MAX_MS: '40' },
    });
    await app.logs.waitFor(
      (l) => l.task === 'probe' && l.consecutiveCrashes === 20,
      20_000,
      '20 crashes',
    );
    expect(app.running).toBe(true);
    const health = await request(`${app.baseUrl}/health`);
    expect(health.body.details.tasks.probe.crashes).toBeGreaterThanOrEqual(20);
    expect((await request(`${app.baseUrl}/health/live`)).status).toBe(200);
  });

  it('answers liveness within 2 s of boot while a task start-up hangs', async () => {
    app = await AppProcess.spawn({ entry: PROBE, env: { PROBE_TASK_MODE: 'hang-start' } });
    const listening = await app.logs.waitFor(byMsg('worker listening'));
    // bootMs runs from the first line of bootstrap() to listen(); node's own module loading is before it.
    expect(listening.bootMs).toBeLessThan(2_000);
    const live = await request(`${app.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    const health = await request(`${app.baseUrl}/health`);
    expect(health.body.details.tasks.probe.state).toBe('starting');
  });

  it('on SIGTERM turns readiness 503 at once, aborts tasks and exits 0 within the budget', async () => {
    app = await AppProcess.spawn({
      entry: PROBE,
      env: { PROBE_TASK_CRITICAL: 'true', SHUTDOWN_DELAY_MS: '1500', SHUTDOWN_TIMEOUT_MS: '5000' },
    });
    await app.logs.waitFor(byMsg('probe task running'));
    expect((await request(`${app.baseUrl}/health/ready`)).status).toBe(200);

    app.signal('SIGTERM');
    await app.logs.waitFor(byMsg('shutdown begun'));
    const ready = await request(`${app.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.shutdown.message).toBe('shutting down');
    expect((await request(`${app.baseUrl}/health/live`)).status).toBe(200);

    await app.logs.waitFor(byMsg('probe task saw abort'));
    await app.logs.waitFor(byMsg('task stopped', 'probe'));
    const complete = await app.logs.waitFor(byMsg('shutdown complete'));
    expect(complete.tookMs).toBeLessThanOrEqual(1_500 + 5_000);
    expect(await app.exited).toEqual({ code: 0, signal: null });
  });

  it('exits at once on a second signal', async () => {
    app = await AppProcess.spawn({ entry: PROBE, env: { SHUTDOWN_DELAY_MS: '30000' } });
    app.signal('SIGTERM');
    await app.logs.waitFor(byMsg('shutdown begun'));
    app.signal('SIGTERM');
    expect(await app.exited).toEqual({ code: 143, signal: null });
  });
});
