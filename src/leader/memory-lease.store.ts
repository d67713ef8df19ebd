import type { LeaseGrant, LeaseHolder, LeaseStore } from './lease-store.interface.js';

/**
 * Embedded mode (REDIS_URL unset): one process, so the lease lives in memory.
 * Same rules as Redis: compare before renew or release, tokens only grow.
 */
export class MemoryLeaseStore implements LeaseStore {
  private holder: { grant: LeaseGrant; expiresAt: number } | null = null;
  private epoch = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly leaseMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  acquire(instanceId: string): Promise<LeaseGrant | null> {
    if (this.live()) return Promise.resolve(null);
    const grant = { token: ++this.epoch, holderId: instanceId };
    this.holder = { grant, expiresAt: this.now() + this.leaseMs };
    return Promise.resolve(grant);
  }

  renew(grant: LeaseGrant): Promise<boolean> {
    const held = this.holds(grant);
    if (held && this.holder) this.holder.expiresAt = this.now() + this.leaseMs;
    return Promise.resolve(held);
  }

  release(grant: LeaseGrant): Promise<boolean> {
    if (!this.holds(grant)) return Promise.resolve(false);
    this.holder = null;
    for (const listener of this.listeners) listener();
    return Promise.resolve(true);
  }

  read(): Promise<LeaseHolder | null> {
    const live = this.live();
    return Promise.resolve(
      live
        ? {
            holderId: live.grant.holderId,
            token: live.grant.token,
            remainingMs: Math.max(0, Math.round(live.expiresAt - this.now())),
          }
        : null,
    );
  }

  onReleased(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private live(): { grant: LeaseGrant; expiresAt: number } | null {
    if (this.holder && this.holder.expiresAt <= this.now()) this.holder = null;
    return this.holder;
  }

  private holds(grant: LeaseGrant): boolean {
    const live = this.live();
    return live?.grant.token === grant.token && live.grant.holderId === grant.holderId;
  }
}
