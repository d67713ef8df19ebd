import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { createCaptureLogger } from '../../test/support/capture-logger.js';
import { byMsg } from '../../test/support/log-lines.js';
import { RedisServer } from '../../test/support/redis-server.js';
import { waitUntil } from '../../test/support/wait-until.js';
import { AppModule } from '../app.module.js';
import { loadEnv } from '../config/load-env.js';
import { LeaderElectionService } from './leader-election.service.js';
import type { LeadershipLostEvent } from './leadership-events.interface.js';
import { LeaderHealthIndicator } from './leader.indicator.js';

const TIMINGS = {
  INSTANCE_ID: 'spec-1',
  LEADER_LEASE_MS: '60000',
  LEADER_RENEW_INTERVAL_MS: '300',
  LEADER_RENEW_DEADLINE_MS: '1000',
  LEADER_RETRY_INTERVAL_MS: '30000',
};

async function boot(env: Record<string, string>) {
  const { logger, logs } = createCaptureLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register({ env: loadEnv({ ...TIMINGS, ...env }), logger })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return { app, logs, election: app.get(LeaderElectionService) };
}

describe(LeaderElectionService.name, () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('leads alone with a token in embedded mode, and steps down on close', async () => {
    const booted = await boot({});
    app = booted.app;
    const { logs, election } = booted;
    await logs.waitFor(byMsg('leadership acquired'));
    expect(election.role).toBe('leader');
    expect(election.fencingToken).toBe(1);
    expect(election.leaderId).toBe('spec-1');
    const health = await app.get(LeaderHealthIndicator).check();
    expect(health.leader).toMatchObject({
      status: 'up',
      role: 'leader',
      leaderId: 'spec-1',
      instanceId: 'spec-1',
      fencingToken: 1,
    });

    const lost: LeadershipLostEvent[] = [];
    election.onLost((event) => lost.push(event));
    await app.close();
    app = undefined;
    expect(lost).toEqual([{ token: 1, reason: 'stopping' }]);
    expect(election.role).toBe('follower');
  });

  describe('with Redis', () => {
    let server: RedisServer;
    let redis: Redis;

    beforeAll(async () => {
      server = await RedisServer.start();
      redis = new Redis(server.url);
    });

    afterAll(async () => {
      await redis.quit();
      await server.stop();
    });

    it('follows while another holds the lease and takes it at once when it is released', async () => {
      await redis.set('{wake}:epoch', '4');
      await redis.set('{wake}:lease', '4:someone-else', 'PX', 60_000);
      const booted = await boot({ REDIS_URL: server.url, LEADER_KEY: 'wake' });
      app = booted.app;
      // The first acquire waits for the connection; then the follower knows the holder.
      await waitUntil(() => booted.election.leaderId === 'someone-else', { what: 'a follower' });
      const health = await app.get(LeaderHealthIndicator).check();
      expect(health.leader).toMatchObject({
        role: 'follower',
        leaderId: 'someone-else',
        fencingToken: null,
      });
      await waitUntil(async () => (await redis.pubsub('NUMSUB', '{wake}:released'))[1] === 1, {
        what: 'the release subscription',
      });

      const acquired = new Promise((resolve) => booted.election.onAcquired(resolve));
      // What the holder's release script does: delete its lease and publish.
      await redis.del('{wake}:lease');
      await redis.publish('{wake}:released', '4:someone-else');
      // The retry interval is 30 s and the lease 60 s: only the release message explains this.
      expect(await acquired).toEqual({ token: 5, leaderId: 'spec-1' });
    });

    it('hands back a lease of its own it does not know about, instead of waiting out its TTL', async () => {
      await redis.set('{orphan}:epoch', '7');
      await redis.set('{orphan}:lease', '7:spec-1', 'PX', 60_000);
      const booted = await boot({
        REDIS_URL: server.url,
        LEADER_KEY: 'orphan',
        LEADER_RETRY_INTERVAL_MS: '200',
      });
      app = booted.app;
      const line = await booted.logs.waitFor(byMsg('leadership acquired'));
      expect(line.fencingToken).toBe(8);
    });
  });
});
