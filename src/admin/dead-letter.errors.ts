/** The dead-letter store cannot answer (embedded mode has no adapter yet, or Redis is down). */
export class DeadLetterStoreUnavailableError extends Error {
  constructor(reason: string) {
    super(`Dead letters are unavailable: ${reason}`);
    this.name = 'DeadLetterStoreUnavailableError';
  }
}
