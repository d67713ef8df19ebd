import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { RedisServer } from '../../test/support/redis-server.js';
import { waitUntil } from '../../test/support/wait-until.js';
import { RedisLeaseStore } from './redis-lease.store.js';

describe(RedisLeaseStore.name, () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  let redis: Redis;
  let keyIndex = 0;

  const connect = (): Redis => {
    const client = new Redis(server.url, { lazyConnect: false });
    clients.push(client);
    return client;
  };
  /** A store on a fresh leader key, so the cases do not share a lease. */
  const storeFor = (leaseMs = 10_000, leaderKey = `lease-spec-${++keyIndex}`) =>
    new RedisLeaseStore({
      redis,
      createSubscriber: connect,
      leaderKey,
      leaseMs,
      logger: pino({ level: 'silent' }),
    });
  const expired = (store: RedisLeaseStore) =>
    waitUntil(async () => (await store.read()) === null, { what: 'lease expiry' });

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = connect();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await server.stop();
  });

  it('grants the lease to one instance at a time, with its token in the value', async () => {
    const store = storeFor();
    const grant = await store.acquire('a');
    expect(grant).toEqual({ token: 1, holderId: 'a' });
    expect(await store.acquire('b')).toBeNull();
    const holder = await store.read();
    expect(holder).toMatchObject({ holderId: 'a', token: 1 });
    expect(holder?.remainingMs).toBeGreaterThan(9_000);
  });

  it('keeps the hash-tagged keys and never puts a TTL on the epoch counter', async () => {
    const store = storeFor(10_000, 'tagged');
    await store.acquire('a');
    expect(await redis.pttl('{tagged}:lease')).toBeGreaterThan(0);
    expect(await redis.get('{tagged}:epoch')).toBe('1');
    expect(await redis.pttl('{tagged}:epoch')).toBe(-1);
  });

  it('renews for the holder and refuses a non-holder', async () => {
    const store = storeFor();
    const grant = await store.acquire('a');
    expect(grant).not.toBeNull();
    expect(await store.renew(grant!)).toBe(true);
    expect(await store.renew({ token: grant!.token, holderId: 'b' })).toBe(false);
    expect(await store.renew({ token: grant!.token + 1, holderId: 'a' })).toBe(false);
  });

  it('refuses a renew after the lease expired and another instance took it', async () => {
    const store = storeFor(150);
    const old = await store.acquire('a');
    await expired(store);
    const current = await store.acquire('b');
    expect(await store.renew(old!)).toBe(false);
    expect(await store.read()).toMatchObject({ holderId: 'b', token: current!.token });
  });

  it('refuses a release by a non-holder and keeps the lease', async () => {
    const store = storeFor();
    const grant = await store.acquire('a');
    expect(await store.release({ token: grant!.token, holderId: 'b' })).toBe(false);
    expect(await store.release({ token: grant!.token - 1, holderId: 'a' })).toBe(false);
    expect(await store.read()).toMatchObject({ holderId: 'a' });
  });

  it('makes a release after expiry a no-op, even when a new holder has the lease', async () => {
    const store = storeFor(150);
    const old = await store.acquire('a');
    await expired(store);
    expect(await store.release(old!)).toBe(false);
    const current = await store.acquire('b');
    expect(await store.release(old!)).toBe(false);
    expect(await store.read()).toMatchObject({ holderId: 'b', token: current!.token });
  });

  it('gives strictly increasing tokens across holders, also to the same instance id', async () => {
    const store = storeFor(150);
    const tokens: number[] = [];
    for (const id of ['a', 'b', 'a', 'c']) {
      const grant = await store.acquire(id);
      tokens.push(grant!.token);
      if (id === 'b') await expired(store);
      else expect(await store.release(grant!)).toBe(true);
    }
    expect(tokens).toEqual([1, 2, 3, 4]);
  });

  it('tells listeners when the holder releases', async () => {
    const store = storeFor(10_000, 'released-spec');
    const released = new Promise<void>((resolve) => {
      const unsubscribe = store.onReleased(() => {
        unsubscribe();
        resolve();
      });
    });
    const grant = await store.acquire('a');
    // The subscription is made in the background: release until a listener hears it.
    await waitUntil(
      async () => (await redis.pubsub('NUMSUB', '{released-spec}:released'))[1] === 1,
      {
        what: 'subscriber',
      },
    );
    expect(await store.release(grant!)).toBe(true);
    await released;
    expect(await store.read()).toBeNull();
  });
});
