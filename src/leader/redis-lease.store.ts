import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { evalScript } from './eval-script.js';
import type { LeaseGrant, LeaseHolder, LeaseStore } from './lease-store.interface.js';
import {
  ACQUIRE_SCRIPT,
  READ_SCRIPT,
  RELEASE_SCRIPT,
  RENEW_SCRIPT,
  leaseValue,
  parseLeaseValue,
} from './lease.scripts.js';
import { leaseKeys } from './leader.constants.js';

export interface RedisLeaseStoreOptions {
  /** The coordination connection: no offline queue, bounded command timeout. */
  redis: Redis;
  /** Makes the pub/sub connection for release messages, once, on the first listener. */
  createSubscriber: () => Redis;
  leaderKey: string;
  leaseMs: number;
  logger: Logger;
}

const FIRST_CONNECT_WAIT_MS = 2_000;

/** The lease in one Redis key with a TTL, the token from a counter that never expires. */
export class RedisLeaseStore implements LeaseStore {
  private readonly keys: ReturnType<typeof leaseKeys>;
  private readonly listeners = new Set<() => void>();
  private subscriber: Redis | undefined;
  private connectedOnce = false;

  constructor(private readonly options: RedisLeaseStoreOptions) {
    this.keys = leaseKeys(options.leaderKey);
  }

  async acquire(instanceId: string): Promise<LeaseGrant | null> {
    await this.firstConnect();
    const reply = await evalScript(
      this.options.redis,
      ACQUIRE_SCRIPT,
      [this.keys.lease, this.keys.epoch],
      [instanceId, this.options.leaseMs],
    );
    return typeof reply === 'number' ? { token: reply, holderId: instanceId } : null;
  }

  async renew(grant: LeaseGrant): Promise<boolean> {
    const reply = await evalScript(
      this.options.redis,
      RENEW_SCRIPT,
      [this.keys.lease],
      [leaseValue(grant.token, grant.holderId), this.options.leaseMs],
    );
    return reply === 1;
  }

  async release(grant: LeaseGrant): Promise<boolean> {
    const reply = await evalScript(
      this.options.redis,
      RELEASE_SCRIPT,
      [this.keys.lease],
      [leaseValue(grant.token, grant.holderId), this.keys.released],
    );
    return reply === 1;
  }

  async read(): Promise<LeaseHolder | null> {
    const reply = (await evalScript(this.options.redis, READ_SCRIPT, [this.keys.lease], [])) as [
      string | null,
      number,
    ];
    const parsed = typeof reply[0] === 'string' ? parseLeaseValue(reply[0]) : null;
    return parsed ? { ...parsed, remainingMs: Math.max(0, reply[1]) } : null;
  }

  onReleased(listener: () => void): () => void {
    this.listeners.add(listener);
    this.subscribe();
    return () => this.listeners.delete(listener);
  }

  /**
   * At boot the connection is still connecting and, with no offline queue, a
   * command would fail at once: wait (bounded) for the first connect instead of
   * logging an outage that is not one. Later disconnects fail fast as they should.
   */
  private async firstConnect(): Promise<void> {
    const { redis } = this.options;
    if (this.connectedOnce || redis.status === 'ready') {
      this.connectedOnce = true;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, FIRST_CONNECT_WAIT_MS);
      redis.once('ready', done);
    });
  }

  private subscribe(): void {
    if (this.subscriber) return;
    const subscriber = this.options.createSubscriber();
    this.subscriber = subscriber;
    const channel = this.keys.released;
    // Why on every 'ready': with the offline queue off, a SUBSCRIBE sent while
    // disconnected fails, and ioredis only re-subscribes channels it had joined.
    const join = (): void => {
      subscriber.subscribe(channel).catch((error: unknown) => {
        this.options.logger.debug({ err: error }, 'could not subscribe to lease releases yet');
      });
    };
    subscriber.on('ready', join);
    subscriber.on('message', (from: string) => {
      if (from !== channel) return;
      for (const listener of this.listeners) listener();
    });
    if (subscriber.status === 'ready') join();
  }
}
