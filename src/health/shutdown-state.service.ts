import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Whether shutdown has begun. Readiness turns 503 the moment it has. */
@Injectable()
export class ShutdownStateService implements BeforeApplicationShutdown {
  private startedAt: number | undefined;

  /** Called by the signal handler before anything else, and by Nest on app.close(). */
  begin(): void {
    this.startedAt ??= Date.now();
  }

  get isShuttingDown(): boolean {
    return this.startedAt !== undefined;
  }

  get since(): number | undefined {
    return this.startedAt;
  }

  beforeApplicationShutdown(): void {
    this.begin();
  }
}
