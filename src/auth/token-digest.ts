import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a token: what the guards keep instead of the token itself. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Whether `presented` is the token behind `expected`. Hashing both sides gives
 * timingSafeEqual equal-length buffers, so neither the token's content nor its
 * length leaks through timing.
 */
export function matchesToken(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(tokenDigest(presented), expected);
}
