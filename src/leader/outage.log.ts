import type { Logger } from 'pino';

/**
 * Logs a store outage as a handful of lines: the first failure, then the 10th,
 * 100th, 1000th... and one line when it ends. Never one line per retry.
 */
export class OutageLog {
  private failures = 0;
  private since = 0;

  constructor(private readonly logger: Logger) {}

  failed(error: unknown, operation: string): void {
    this.failures += 1;
    if (this.failures === 1) this.since = Date.now();
    if (isPowerOfTen(this.failures)) {
      this.logger.warn(
        { err: error, operation, failures: this.failures, outageMs: Date.now() - this.since },
        this.failures === 1
          ? 'lease store unreachable; leader election keeps retrying quietly'
          : 'lease store still unreachable',
      );
    }
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.logger.info(
      { failures: this.failures, outageMs: Date.now() - this.since },
      'lease store reachable again',
    );
    this.failures = 0;
  }
}

function isPowerOfTen(n: number): boolean {
  let x = n;
  while (x % 10 === 0) x /= 10;
  return x === 1;
}
