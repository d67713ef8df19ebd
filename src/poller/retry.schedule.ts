/**
 * When this consumer retries each failed entry it still holds: base ×
 * 2^(deliveries-1), capped. Local by design: if the consumer dies, the
 * visibility timeout (XAUTOCLAIM by any replica) takes over.
 */
export class RetrySchedule {
  private readonly dueAt = new Map<string, number>();

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
  ) {}

  get size(): number {
    return this.dueAt.size;
  }

  delayFor(deliveryCount: number): number {
    return Math.min(this.capMs, this.baseMs * 2 ** Math.max(0, Math.min(deliveryCount - 1, 20)));
  }

  add(entryId: string, deliveryCount: number, now: number): void {
    this.dueAt.set(entryId, now + this.delayFor(deliveryCount));
  }

  delete(entryId: string): void {
    this.dueAt.delete(entryId);
  }

  /** Removes and returns up to `limit` entries that are due. */
  takeDue(now: number, limit: number): string[] {
    const due: string[] = [];
    for (const [entryId, at] of this.dueAt) {
      if (due.length >= limit) break;
      if (at <= now) due.push(entryId);
    }
    for (const entryId of due) this.dueAt.delete(entryId);
    return due;
  }

  /** Ms until the next entry is due, or undefined when none is scheduled. */
  nextDueIn(now: number): number | undefined {
    let next: number | undefined;
    for (const at of this.dueAt.values()) if (next === undefined || at < next) next = at;
    return next === undefined ? undefined : Math.max(0, next - now);
  }

  clear(): void {
    this.dueAt.clear();
  }
}
