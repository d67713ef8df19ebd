import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module.js';
import { SLA_SWEEP_NAME, WORKLIST_STORE } from '../src/clinical-ops/clinical-ops.constants.js';
import { MemoryWorklistStore } from '../src/clinical-ops/memory-worklist.store.js';
import { loadEnv } from '../src/config/load-env.js';
import { createCaptureLogger } from './support/capture-logger.js';
import { request } from './support/http.js';
import { byMsg, type LogLines } from './support/log-lines.js';

/** The worklist store with a fault injected: its first sweep query throws. */
class FirstSweepThrowsStore extends MemoryWorklistStore {
  private sweeps = 0;

  override dueForEscalation(now: number, offset: number, limit: number): Promise<string[]> {
    this.sweeps += 1;
    if (this.sweeps === 1) return Promise.reject(new Error('injected sweep failure'));
    return super.dueForEscalation(now, offset, limit);
  }
}

let app: INestApplication;
let base: string;
let logs: LogLines;
const store = new FirstSweepThrowsStore();

function post(id: string): ReturnType<typeof request> {
  return request(`${base}/clinical-ops/inbox`, {
    method: 'POST',
    body: { id, kind: 'lab-result', priority: 'stat', patientRef: 'p-1', payload: { v: 1 } },
  });
}

beforeAll(async () => {
  const capture = createCaptureLogger();
  logs = capture.logs;
  // Embedded mode (no REDIS_URL): in-memory lease, inbox and worklist; this instance leads.
  const env = loadEnv({
    NODE_ENV: 'test',
    SLA_STAT_MS: '1',
    CLINICAL_OPS_SWEEP_INTERVAL_MS: '100',
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register({ env, logger: capture.logger })],
  })
    .overrideProvider(WORKLIST_STORE)
    .useValue(store)
    .compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
});

describe('SLA sweep (embedded mode, injected fault)', () => {
  it('logs a throwing sweep with its name, and the next sweep escalates', async () => {
    expect((await post('early-1')).status).toBe(202);
    const failed = await logs.waitFor(byMsg('SLA sweep failed'), 15_000, 'the injected failure');
    expect(failed).toMatchObject({
      sweep: SLA_SWEEP_NAME,
      err: { message: 'injected sweep failure' },
    });
    await logs.waitFor(
      (l) => l.msg === 'overdue item escalated' && l.itemId === 'early-1',
      15_000,
      'early-1 to be escalated by a later sweep',
    );
    expect(store.escalations.map((e) => e.id)).toEqual(['early-1']);
  });

  it('keeps the processor going: items posted later are filed and escalated once', async () => {
    for (const id of ['late-1', 'late-2']) expect((await post(id)).status).toBe(202);
    await logs.waitFor(
      (l) => l.msg === 'overdue item escalated' && l.itemId === 'late-2',
      15_000,
      'late-2 to be escalated',
    );
    const sweeps = logs.filter(byMsg('SLA sweep finished')).length;
    await logs.waitFor(() => logs.filter(byMsg('SLA sweep finished')).length >= sweeps + 3, 15_000);
    expect(store.escalations.map((e) => e.id).sort()).toEqual(['early-1', 'late-1', 'late-2']);
  });

  it('shows the sweep and the counts under the processor in /health', async () => {
    const res = await request(`${base}/health`);
    const task = res.body.details.tasks['clinical-ops-inbox'];
    expect(task.state).toBe('running');
    expect(task.details).toMatchObject({
      open: 3,
      overdue: 3,
      sweep: {
        name: SLA_SWEEP_NAME,
        failures: 1,
        lastOutcome: 'ok',
        lastRunAt: expect.any(String),
      },
    });
  });
});
