import { Injectable, Module } from '@nestjs/common';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { BackgroundTask } from '../src/tasks/background-task.decorator.js';
import type { BackgroundTaskHost, TaskContext } from '../src/tasks/background-task.interface.js';
import { parsePrometheusText, type Exposition } from './support/prometheus-text.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { request } from './support/http.js';
import { byMsg } from './support/log-lines.js';
import { waitUntil } from './support/wait-until.js';

/** Runs until aborted, or crashes when the test calls crash(). */
@BackgroundTask({ name: 'metrics-probe', backoff: { initialMs: 20, maxMs: 20 } })
@Injectable()
class CrashOnDemandTask implements BackgroundTaskHost {
  private crashNow: ((error: Error) => void) | undefined;

  crash(): void {
    this.crashNow?.(new Error('simulated poller crash'));
  }

  run(ctx: TaskContext): Promise<void> {
    return new Promise((resolve, reject) => {
      this.crashNow = reject;
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

@Module({ providers: [CrashOnDemandTask] })
class ProbeModule {}

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function scrape(t: TestApp): Promise<Exposition> {
  const res = await fetch(`${t.baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return parsePrometheusText(await res.text());
}

describe('GET /metrics', () => {
  it('is checked by a parser that rejects what Prometheus would', () => {
    expect(() => parsePrometheusText('# TYPE a counter\na{x="1} 1')).toThrow(/bad sample/);
    expect(() => parsePrometheusText('b 1')).toThrow(/without a # TYPE/);
    expect(() => parsePrometheusText('# TYPE a gauge\na one')).toThrow(/bad sample/);
  });

  it('serves Prometheus text with process, event-loop and per-task series', async () => {
    const t = await startTestApp({ imports: [ProbeModule] });
    apps.push(t);
    const m = await scrape(t);
    for (const name of [
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'worker_event_loop_delay_seconds',
      'worker_task_state',
      'worker_task_restarts_total',
      'worker_task_crashes_total',
      'worker_messages_handled_total',
      'worker_message_handler_duration_seconds',
      'worker_consumer_lag',
      'worker_inbox_items_filed_total',
      'worker_inbox_items_overdue',
      'worker_inbox_items_escalated_total',
      'worker_leader_is_leader',
      'worker_leader_transitions_total',
      'worker_leader_fencing_token',
    ]) {
      expect([name, m.types.has(name)]).toEqual([name, true]);
    }
    // One series per state, exactly one of them 1.
    const states = m.samples.filter(
      (s) => s.name === 'worker_task_state' && s.labels.task === 'metrics-probe',
    );
    expect(states.length).toBe(9);
    expect(states.filter((s) => s.value === 1).length).toBe(1);
  });

  it('moves the task counters when a task crashes and comes back', async () => {
    const t = await startTestApp({ imports: [ProbeModule] });
    apps.push(t);
    const running = (m: Exposition): boolean =>
      m.value('worker_task_state', { task: 'metrics-probe', state: 'running' }) === 1;
    const before = await waitUntil(
      async () => {
        const m = await scrape(t);
        return running(m) ? m : undefined;
      },
      { what: 'metrics-probe running' },
    );
    expect(before.value('worker_task_crashes_total', { task: 'metrics-probe' })).toBe(0);
    expect(before.value('worker_task_restarts_total', { task: 'metrics-probe' })).toBe(0);

    t.app.get(CrashOnDemandTask).crash();
    await t.logs.waitFor(
      (l) => l.task === 'metrics-probe' && l.msg?.includes('task crashed') === true,
    );
    const after = await waitUntil(
      async () => {
        const m = await scrape(t);
        return running(m) && m.value('worker_task_restarts_total', { task: 'metrics-probe' }) === 1
          ? m
          : undefined;
      },
      { what: 'metrics-probe running again after its restart' },
    );
    expect(after.value('worker_task_crashes_total', { task: 'metrics-probe' })).toBe(1);
    expect(after.value('worker_task_consecutive_crashes', { task: 'metrics-probe' })).toBe(1);
  });

  it('records what modules report, with undeclared label values counted as "other", per app', async () => {
    const [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    apps.push(a, b);
    const metrics = a.app.get(MetricsService);
    metrics.declareMessageTypes(['lab-result']);
    metrics.declareInboxKinds(['critical-lab']);
    metrics.messageHandled('lab-result', 0.02);
    metrics.messageHandled('lab-result', 0.2);
    metrics.messageHandled('MRN-0042 Jane Doe', 0.01); // free text from a message never becomes a label
    metrics.messageFailed('lab-result', 0.5);
    metrics.messageRetried('lab-result');
    metrics.messageDeadLettered('lab-result', 'max-deliveries');
    metrics.setConsumerLag('messages.inbound', 'workers', 17);
    metrics.itemFiled('critical-lab', 'stat');
    metrics.itemEscalated('critical-lab', 'stat');
    metrics.setWorklistCounts('stat', 4, 1);

    const text = await (await fetch(`${a.baseUrl}/metrics`)).text();
    expect(text).not.toContain('MRN');
    expect(text).not.toContain('Jane');
    const m = parsePrometheusText(text);
    expect(m.value('worker_messages_handled_total', { type: 'lab-result' })).toBe(2);
    expect(m.value('worker_messages_handled_total', { type: 'other' })).toBe(1);
    expect(m.value('worker_messages_failed_total', { type: 'lab-result' })).toBe(1);
    expect(m.value('worker_messages_retried_total', { type: 'lab-result' })).toBe(1);
    expect(
      m.value('worker_messages_dead_lettered_total', {
        type: 'lab-result',
        reason: 'max-deliveries',
      }),
    ).toBe(1);
    expect(
      m.value('worker_message_handler_duration_seconds_count', {
        type: 'lab-result',
        outcome: 'handled',
      }),
    ).toBe(2);
    expect(
      m.value('worker_message_handler_duration_seconds_bucket', {
        type: 'lab-result',
        outcome: 'handled',
        le: '0.025',
      }),
    ).toBe(1);
    expect(m.value('worker_consumer_lag', { stream: 'messages.inbound', group: 'workers' })).toBe(
      17,
    );
    expect(
      m.value('worker_inbox_items_filed_total', { kind: 'critical-lab', priority: 'stat' }),
    ).toBe(1);
    expect(
      m.value('worker_inbox_items_escalated_total', { kind: 'critical-lab', priority: 'stat' }),
    ).toBe(1);
    expect(m.value('worker_inbox_items_open', { priority: 'stat' })).toBe(4);
    expect(m.value('worker_inbox_items_overdue', { priority: 'stat' })).toBe(1);

    // The other app in this process has its own registry.
    const other = await scrape(b);
    expect(other.value('worker_messages_handled_total', { type: 'lab-result' })).toBeUndefined();
    expect(other.value('worker_inbox_items_open', { priority: 'stat' })).toBeUndefined();
  });

  it('follows leadership: the embedded instance becomes leader with a token', async () => {
    const t = await startTestApp();
    apps.push(t);
    const m = await waitUntil(
      async () => {
        const e = await scrape(t);
        return e.value('worker_leader_is_leader') === 1 ? e : undefined;
      },
      { what: 'worker_leader_is_leader 1' },
    );
    expect(m.value('worker_leader_fencing_token')).toBeGreaterThan(0);
    expect(m.value('worker_leader_transitions_total', { to: 'leader' })).toBe(1);
  });

  it('counts clinical-ops filings (not duplicates) and escalations, and the worklist gauges after a sweep', async () => {
    // Embedded mode: this instance leads, files inbox items and sweeps every 100 ms; stat items are due at once.
    const t = await startTestApp({
      env: { SLA_STAT_MS: '1', CLINICAL_OPS_SWEEP_INTERVAL_MS: '100' },
    });
    apps.push(t);
    const post = (id: string, kind: string, priority: string) =>
      request(`${t.baseUrl}/clinical-ops/inbox`, {
        method: 'POST',
        body: { id, kind, priority, patientRef: 'MRN-0042', payload: { note: 'Jane Doe' } },
      });
    expect((await post('lab-1', 'lab-result', 'stat')).status).toBe(202);
    expect((await post('lab-1', 'lab-result', 'stat')).status).toBe(202);
    expect((await post('ref-1', 'referral', 'routine')).status).toBe(202);
    await t.logs.waitFor(byMsg('duplicate inbox item dropped'));

    const filed = { kind: 'lab-result', priority: 'stat' };
    const m = await waitUntil(
      async () => {
        const e = await scrape(t);
        return e.value('worker_inbox_items_escalated_total', filed) === 1 &&
          e.value('worker_inbox_items_open', { priority: 'routine' }) === 1
          ? e
          : undefined;
      },
      { what: 'the escalation counted and the worklist gauges set by a sweep', timeoutMs: 20_000 },
    );
    expect(m.value('worker_inbox_items_filed_total', filed)).toBe(1); // the duplicate is not counted
    expect(
      m.value('worker_inbox_items_filed_total', { kind: 'referral', priority: 'routine' }),
    ).toBe(1);
    expect(m.value('worker_inbox_items_filed_total', { kind: 'other', priority: 'stat' })).toBe(
      undefined,
    );
    expect(
      m.value('worker_inbox_items_escalated_total', { kind: 'referral', priority: 'routine' }),
    ).toBeUndefined();
    expect(m.value('worker_inbox_items_open', { priority: 'stat' })).toBe(1);
    expect(m.value('worker_inbox_items_overdue', { priority: 'stat' })).toBe(1);
    expect(m.value('worker_inbox_items_overdue', { priority: 'routine' })).toBe(0);
    expect(m.value('worker_inbox_items_open', { priority: 'urgent' })).toBe(0);
    // The inbox's consumer lag, reported by the processor's loop (every 5 s): all read and acked.
    const inbox = { stream: 'clinical-ops.inbox', group: 'clinical-ops' };
    expect(m.value('worker_consumer_lag', inbox)).toBeDefined();
    await waitUntil(async () => (await scrape(t)).value('worker_consumer_lag', inbox) === 0, {
      what: 'the inbox consumer lag at 0',
      timeoutMs: 20_000,
    });

    // Resolving the escalated item: the next sweep's gauges show it gone.
    expect(
      (await request(`${t.baseUrl}/clinical-ops/items/lab-1/resolve`, { method: 'POST' })).status,
    ).toBe(200);
    await waitUntil(
      async () =>
        (await scrape(t)).value('worker_inbox_items_open', { priority: 'stat' }) === 0 || undefined,
      { what: 'worker_inbox_items_open{priority="stat"} back to 0', timeoutMs: 20_000 },
    );
  });
});
