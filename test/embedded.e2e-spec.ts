import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppProcess } from './support/app-process.js';
import { request } from './support/http.js';
import { byMsg } from './support/log-lines.js';
import { waitUntil } from './support/wait-until.js';

// The README's "run it" path: the built app with no REDIS_URL, on a machine that needs no Redis.
describe('the built app in embedded mode (REDIS_URL unset)', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await AppProcess.spawn({ env: { REDIS_URL: undefined, INSTANCE_ID: 'solo' } });
  });

  afterAll(async () => {
    await app.kill();
  });

  it('says at start that it is for one instance and loses its data on exit', async () => {
    const warning = await app.logs.waitFor(byMsg('embedded mode'));
    expect(warning.level).toBe(40);
    expect(warning.msg).toContain('ONE instance');
    expect(warning.msg).toContain('lost on exit');
  });

  it('is ready, and leads with a fencing token', async () => {
    const ready = await waitUntil(
      async () => {
        const r = await request(`${app.baseUrl}/health/ready`);
        return r.status === 200 ? r : undefined;
      },
      { what: 'readiness 200' },
    );
    expect(ready.body.status).toBe('ok');
    const health = await request(`${app.baseUrl}/health`);
    expect(health.body.details.leader).toMatchObject({ role: 'leader', instanceId: 'solo' });
    expect(health.body.details.leader.fencingToken).toBeGreaterThanOrEqual(1);
  });

  it('carries a posted patient message that needs review onto the worklist', async () => {
    const posted = await request(`${app.baseUrl}/messages`, {
      method: 'POST',
      body: {
        type: 'patient.message',
        payload: {
          messageId: 'embedded-1',
          patientRef: 'P-000001',
          channel: 'portal',
          body: 'synthetic: please call me back',
          sentAt: new Date().toISOString(),
          needsClinicalReview: true,
          priority: 'urgent',
        },
      },
    });
    expect(posted.status).toBe(202);

    const item = await waitUntil(
      async () => {
        const list = await request(`${app.baseUrl}/clinical-ops/worklist`);
        return list.body.items.find((i: { id: string }) => i.id === 'patient-message:embedded-1');
      },
      { what: 'the item on the worklist' },
    );
    expect(item).toMatchObject({ kind: 'patient-message', priority: 'urgent', escalated: false });
    expect(JSON.stringify(item)).not.toContain('P-000001');
    expect(Date.parse(item.dueAt) - Date.parse(item.receivedAt)).toBe(4 * 3_600_000);
  });
});
