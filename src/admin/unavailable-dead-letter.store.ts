import type {
  DeadLetterPage,
  DeadLetterStore,
  RedriveResult,
} from './dead-letter-store.interface.js';
import { DeadLetterStoreUnavailableError } from './dead-letter.errors.js';

/**
 * Embedded mode (REDIS_URL unset) until the in-memory streams provide their
 * own DeadLetterStore: every call fails with a clear 503 instead of pretending
 * the dead-letter stream is empty.
 */
export class UnavailableDeadLetterStore implements DeadLetterStore {
  private readonly reason = 'REDIS_URL is not set (embedded mode has no dead-letter adapter yet)';

  list(): Promise<DeadLetterPage> {
    return Promise.reject(new DeadLetterStoreUnavailableError(this.reason));
  }

  redrive(): Promise<RedriveResult> {
    return Promise.reject(new DeadLetterStoreUnavailableError(this.reason));
  }

  count(): Promise<number> {
    return Promise.reject(new DeadLetterStoreUnavailableError(this.reason));
  }
}
