import { describe, expect, it } from '@jest/globals';
import { within } from './within.js';

describe('within', () => {
  it('passes through an answer that comes in time', async () => {
    await expect(within(Promise.resolve(7), 1_000, 'answer')).resolves.toBe(7);
  });

  it('rejects after the bound and swallows the late rejection', async () => {
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30));
    await expect(within(late, 5, 'renew reply')).rejects.toThrow('no renew reply within 5 ms');
    await new Promise((resolve) => setTimeout(resolve, 40));
  });
});
