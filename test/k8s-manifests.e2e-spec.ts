import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { envSchema, type Env } from '../src/config/env.schema.js';
import { loadEnv } from '../src/config/load-env.js';
import { request } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** bootstrap.ts exits on its own this long after SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS. */
const HARD_STOP_MARGIN_MS = 2_000;
const DIR = join(process.cwd(), 'deploy', 'k8s');

interface Probe {
  httpGet: { path: string; port: number | string };
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

const docs: any[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => {
      if (d.errors.length > 0) throw new Error(`${f}: ${d.errors[0].message}`);
      return d.toJS();
    }),
  );
const byKind = (kind: string): any => {
  const found = docs.filter((d) => d?.kind === kind);
  expect([kind, found.length]).toEqual([kind, 1]);
  return found[0];
};

const deployment = byKind('Deployment');
const configMap = byKind('ConfigMap');
const secret = byKind('Secret');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const data: Record<string, string> = configMap.data;
const secretData: Record<string, string> = secret.stringData;
// The ConfigMap and Secret as the worker will see them: must pass the env schema.
const env: Env = loadEnv({ ...data, ...secretData });
const schemaKeys = new Set(Object.keys(envSchema.shape));

const portOf = (port: number | string): number =>
  typeof port === 'number'
    ? port
    : container.ports.find((p: { name: string }) => p.name === port)?.containerPort;

const probes: [string, Probe][] = [
  ['startupProbe', container.startupProbe],
  ['livenessProbe', container.livenessProbe],
  ['readinessProbe', container.readinessProbe],
];

describe('deploy/k8s manifests', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('probe the routes the app serves, on the port it listens on', async () => {
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    for (const [name, probe] of probes) {
      expect([name, portOf(probe.httpGet.port)]).toEqual([name, env.PORT]);
      const res = await request(`${app.baseUrl}${probe.httpGet.path}`);
      // 503 is a valid answer for readiness; 404 would mean the route does not exist.
      expect([name, probe.httpGet.path, [200, 503].includes(res.status)]).toEqual([
        name,
        probe.httpGet.path,
        true,
      ]);
    }
  });

  it('give the worker time to drain and stop before SIGKILL', () => {
    // The preStop pause is what lets endpoints drain before SIGTERM reaches the worker.
    const preStopSeconds = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
    expect(preStopSeconds).toBeGreaterThanOrEqual(5);
    const needed =
      preStopSeconds +
      (env.SHUTDOWN_DELAY_MS + env.SHUTDOWN_TIMEOUT_MS + HARD_STOP_MARGIN_MS) / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(needed);
  });

  it('use probe timings consistent with the lease and the health-check bound', () => {
    const live = container.livenessProbe as Probe;
    expect(live.failureThreshold * live.periodSeconds).toBeGreaterThanOrEqual(
      (3 * env.LEADER_LEASE_MS) / 1000,
    );
    // A wedged event loop is reported after HEALTH_EVENT_LOOP_DELAY_MAX_MS; liveness waits longer still.
    expect(live.failureThreshold * live.periodSeconds * 1000).toBeGreaterThan(
      env.HEALTH_EVENT_LOOP_DELAY_MAX_MS,
    );
    for (const [name, probe] of probes) {
      expect([name, probe.timeoutSeconds * 1000 > env.HEALTH_CHECK_TIMEOUT_MS]).toEqual([
        name,
        true,
      ]);
      expect([name, probe.timeoutSeconds <= probe.periodSeconds]).toEqual([name, true]);
    }
    const startup = container.startupProbe as Probe;
    expect(startup.failureThreshold * startup.periodSeconds).toBeGreaterThanOrEqual(30);
  });

  it('set only variables the env schema declares, secrets only in the Secret', () => {
    const envNames = (container.env ?? []).map((e: { name: string }) => e.name);
    for (const key of [...Object.keys(data), ...Object.keys(secretData), ...envNames]) {
      expect([key, schemaKeys.has(key)]).toEqual([key, true]);
    }
    expect(Object.keys(secretData).sort()).toEqual(['ADMIN_TOKEN', 'API_TOKEN', 'REDIS_URL']);
    for (const key of Object.keys(secretData)) expect([key, key in data]).toEqual([key, false]);
    expect(container.envFrom).toEqual([
      { configMapRef: { name: configMap.metadata.name } },
      { secretRef: { name: secret.metadata.name } },
    ]);
  });

  it('run three non-root, read-only replicas behind a Service and a disruption budget', () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();

    const labels = deployment.spec.template.metadata.labels;
    const service = byKind('Service');
    const pdb = byKind('PodDisruptionBudget');
    expect(service.spec.selector).toEqual(labels);
    expect(pdb.spec.selector.matchLabels).toEqual(labels);
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(portOf(service.spec.ports[0].targetPort)).toBe(env.PORT);
    expect(pdb.spec.maxUnavailable ?? deployment.spec.replicas - pdb.spec.minAvailable).toBe(1);
  });

  it('are all listed in kustomization.yaml', () => {
    const kustomization = parseAllDocuments(
      readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'),
    )[0].toJS();
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });
});
