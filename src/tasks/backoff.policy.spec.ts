import { describe, expect, it } from '@jest/globals';
import { backoffCeiling, backoffDelay } from './backoff.policy.js';

const defaults = { initialMs: 1_000, maxMs: 60_000, factor: 2, resetAfterMs: 60_000 };

describe('backoff policy', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [50, 60_000],
  ])('the ceiling after %i consecutive crashes is %i ms', (crashes, ceiling) => {
    expect(backoffCeiling(crashes, defaults)).toBe(ceiling);
  });

  it('treats zero or negative crash counts as the first crash', () => {
    expect(backoffCeiling(0, defaults)).toBe(1_000);
    expect(backoffCeiling(-3, defaults)).toBe(1_000);
  });

  it('applies full jitter: uniform between zero and the ceiling', () => {
    expect(backoffDelay(3, defaults, () => 0)).toBe(0);
    expect(backoffDelay(3, defaults, () => 0.5)).toBe(2_000);
    expect(backoffDelay(3, defaults, () => 0.999999)).toBe(3_999);
  });

  it('never exceeds the cap, whatever the random source returns below 1', () => {
    for (let crashes = 1; crashes < 40; crashes++) {
      const delay = backoffDelay(crashes, defaults, Math.random);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(60_000);
    }
  });

  it('honours a custom factor', () => {
    expect(backoffCeiling(3, { ...defaults, factor: 3 })).toBe(9_000);
    expect(backoffCeiling(3, { ...defaults, factor: 1 })).toBe(1_000);
  });
});
