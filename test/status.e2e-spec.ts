import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type BrowserContext } from 'playwright-core';
import { LeaderElectionService } from '../src/leader/leader-election.service.js';
import { StatusSectionRegistry } from '../src/status/status-section.registry.js';
import { BackgroundTask } from '../src/tasks/background-task.decorator.js';
import type { BackgroundTaskHost, TaskContext } from '../src/tasks/background-task.interface.js';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitUntil } from './support/wait-until.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

@BackgroundTask({ name: 'lab-feed', restart: 'never', critical: true })
@Injectable()
class CrashingTask implements BackgroundTaskHost {
  async run(): Promise<void> {
    throw new Error('lab feed unreachable <b>ECONNREFUSED</b>');
  }
}

@BackgroundTask({ name: 'steady' })
@Injectable()
class SteadyTask implements BackgroundTaskHost {
  async run(ctx: TaskContext): Promise<void> {
    await new Promise<void>((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }
}

/** A module contributing a section, the way the poller and clinical-ops will. */
@Injectable()
class LagSection implements OnModuleInit {
  constructor(private readonly sections: StatusSectionRegistry) {}
  onModuleInit(): void {
    this.sections.register({
      title: 'Stream lag',
      order: 20,
      section: () => ({ title: 'Stream lag', rows: [['messages.inbound / workers', 12]] }),
    });
  }
}

@Module({ providers: [CrashingTask, SteadyTask, LagSection] })
class StatusProbeModule {}

// Runs in the browser (inside page.evaluate); the specs compile without the DOM lib.
declare function getComputedStyle(el: unknown): { backgroundColor: string };

const GREEN = 'rgb(218, 251, 225)';
const RED = 'rgb(255, 235, 233)';

const hasChromium = existsSync(CHROMIUM);
const describeInBrowser = hasChromium ? describe : describe.skip;
if (!hasChromium) {
  process.stderr.write(
    `status page browser test SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium; .ci/run does)\n`,
  );
}

describeInBrowser('GET /status in headless Chromium', () => {
  let t: TestApp;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    t = await startTestApp({ imports: [StatusProbeModule], env: { INSTANCE_ID: 'pod-a' } });
    await t.logs.waitFor((l) => l.task === 'lab-feed' && l.msg?.includes('(failed)') === true);
    // Embedded mode: this single instance elects itself.
    await waitUntil(() => t.app.get(LeaderElectionService).role === 'leader', {
      what: 'leadership',
    });
    profile = mkdtempSync(join(tmpdir(), 'status-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
    });
  });

  afterAll(async () => {
    await context?.close();
    await t?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows a crashed task in red with its error, a healthy one in green, and refreshes itself', async () => {
    const page = await context.newPage();
    const response = await page.goto(`${t.baseUrl}/status`);
    expect(response?.status()).toBe(200);

    const crashed = page.locator('tr.task[data-task="lab-feed"]');
    expect(await crashed.getAttribute('data-state')).toBe('failed');
    expect(await crashed.locator('td.state').innerText()).toMatch(/failed/i);
    expect(
      await crashed.locator('td.state').evaluate((el) => getComputedStyle(el).backgroundColor),
    ).toBe(RED);
    // The error is shown as text: escaped, not interpreted as markup.
    expect(await crashed.locator('td.error').innerText()).toContain(
      'Error: lab feed unreachable <b>ECONNREFUSED</b>',
    );
    expect(await crashed.locator('td.error b').count()).toBe(0);

    const steady = page.locator('tr.task[data-task="steady"]');
    expect(await steady.locator('td.state').innerText()).toMatch(/running|starting/i);
    if ((await steady.getAttribute('data-state')) === 'running') {
      expect(
        await steady.locator('td.state').evaluate((el) => getComputedStyle(el).backgroundColor),
      ).toBe(GREEN);
    }

    expect(await page.locator('#summary').innerText()).toBe('1 task down: lab-feed');
    expect(
      await page.locator('#summary').evaluate((el) => getComputedStyle(el).backgroundColor),
    ).toBe(RED);
    expect(await page.locator('#instance-id').innerText()).toBe('pod-a');
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('5');
    const titles = await page.locator('section.contributed h2').allInnerTexts();
    expect(titles).toEqual([
      'Leader',
      'Stream lag',
      'Message poller',
      'Clinical ops worklist',
      'Dead letters',
    ]);
    const leader = await page.locator('section.contributed').first().innerText();
    expect(leader).toContain('pod-a (leader)');
    expect(leader).toMatch(/fencing token\s+\d+/);
    expect(await page.locator('section.contributed').nth(1).innerText()).toContain('12');
    await page.close();
  });

  it('is served without any token and with a strict content security policy', async () => {
    const res = await fetch(`${t.baseUrl}/status`);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await request(`${t.baseUrl}/health/ready`)).status).toBe(503);
  });
});

/** The page as text: tags dropped, whitespace collapsed (`open 1`, `lag 0`). */
async function statusText(baseUrl: string): Promise<string> {
  const html = await (
    await fetch(`${baseUrl}/status`, { signal: AbortSignal.timeout(5_000) })
  ).text();
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('GET /status sections of the poller and clinical-ops (embedded mode, plain HTTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { SLA_STAT_MS: '1', CLINICAL_OPS_SWEEP_INTERVAL_MS: '100' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('shows the stream, group, pending, lag and dead letters, and the worklist counts and last sweep', async () => {
    const res = await request(`${t.baseUrl}/clinical-ops/inbox`, {
      method: 'POST',
      body: {
        id: 'st-1',
        kind: 'lab-result',
        priority: 'stat',
        patientRef: 'MRN-0042',
        payload: { note: 'Jane Doe' },
      },
    });
    expect(res.status).toBe(202);
    const text = await waitUntil(
      async () => {
        const page = await statusText(t.baseUrl);
        return /overdue 1 last sweep \S+ last sweep outcome ok/.test(page) ? page : undefined;
      },
      { what: 'a sweep that saw the overdue item', timeoutMs: 20_000 },
    );
    expect(text).toContain('Message poller');
    expect(text).toMatch(/stream messages\.inbound \(embedded\) group workers/);
    expect(text).toMatch(/pending 0 lag 0/);
    expect(text).toContain('dead letters 0 in messages.inbound.dlq');
    expect(text).toContain('Clinical ops worklist');
    expect(text).toMatch(/open 1 overdue 1/);
    expect(text).toMatch(/last sweep duration \d+ ms/);
    expect(text).not.toContain('unavailable');
    expect(text).not.toContain('MRN-0042');
    expect(text).not.toContain('Jane');
  });
});
