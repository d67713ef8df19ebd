import { abortableSleep } from '../tasks/abortable-sleep.js';

/**
 * The election loop's sleep, which a release message or a demotion can cut
 * short. A wake-up that comes while the loop is busy (an acquire in flight) is
 * kept, and the next sleep is skipped, so it is never lost.
 */
export class LoopWaker {
  private wakeSleeper: (() => void) | undefined;
  private pending = false;

  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    const wake = new AbortController();
    this.wakeSleeper = () => wake.abort();
    await abortableSleep(ms, AbortSignal.any([signal, wake.signal]));
    this.wakeSleeper = undefined;
  }

  wake(): void {
    if (this.wakeSleeper) this.wakeSleeper();
    else this.pending = true;
  }
}
