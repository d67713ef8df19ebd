import { describe, expect, it } from '@jest/globals';
import { MemoryLeaseStore } from './memory-lease.store.js';

describe(MemoryLeaseStore.name, () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('follows the same rules as the Redis store', async () => {
    const time = clock();
    const store = new MemoryLeaseStore(1_000, time.now);
    const released: number[] = [];
    store.onReleased(() => released.push(time.now()));

    const a = await store.acquire('a');
    expect(a).toEqual({ token: 1, holderId: 'a' });
    expect(await store.acquire('b')).toBeNull();
    expect(await store.renew({ token: 1, holderId: 'b' })).toBe(false);
    time.advance(900);
    expect(await store.renew(a!)).toBe(true);
    time.advance(900);
    expect(await store.read()).toEqual({ holderId: 'a', token: 1, remainingMs: 100 });

    time.advance(100);
    expect(await store.read()).toBeNull();
    expect(await store.release(a!)).toBe(false);
    const b = await store.acquire('b');
    expect(b?.token).toBe(2);
    expect(await store.release(a!)).toBe(false);
    expect(await store.release(b!)).toBe(true);
    expect(released).toHaveLength(1);
  });
});
