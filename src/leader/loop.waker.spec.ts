import { describe, expect, it } from '@jest/globals';
import { LoopWaker } from './loop.waker.js';

describe(LoopWaker.name, () => {
  const never = new AbortController().signal;

  it('cuts a sleep short on wake()', async () => {
    const waker = new LoopWaker();
    const slept = waker.sleep(60_000, never);
    waker.wake();
    await expect(slept).resolves.toBeUndefined();
  });

  it('keeps a wake-up that came while the loop was busy and skips the next sleep only', async () => {
    const waker = new LoopWaker();
    waker.wake();
    await waker.sleep(60_000, never);
    const controller = new AbortController();
    let done = false;
    const slept = waker.sleep(60_000, controller.signal).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    controller.abort();
    await slept;
  });
});
