/** A term this instance holds: what renew and release must present. */
export interface LeaseGrant {
  /** Fencing token of the term: strictly greater than every earlier term's, across all holders. */
  readonly token: number;
  readonly holderId: string;
}

/** The lease as the store sees it now. */
export interface LeaseHolder {
  readonly holderId: string;
  readonly token: number;
  /** Time left on the lease in the store (its TTL), ms. */
  readonly remainingMs: number;
}

/**
 * Where the lease lives. Redis is the first adapter; the in-memory one serves
 * the single-instance embedded mode. Every method may reject (store down,
 * timeout): the caller treats that as "unknown", never as success.
 */
export interface LeaseStore {
  /** Takes the lease with a new token if nobody holds it; null when someone does. */
  acquire(instanceId: string): Promise<LeaseGrant | null>;
  /** Extends the lease to a full term if `grant` still holds it; false when it does not. */
  renew(grant: LeaseGrant): Promise<boolean>;
  /** Gives the lease up if `grant` still holds it and tells the followers; false when it did not. */
  release(grant: LeaseGrant): Promise<boolean>;
  /** The current holder, or null when the lease is free. */
  read(): Promise<LeaseHolder | null>;
  /** Calls `listener` whenever a holder releases the lease. Returns an unsubscribe. */
  onReleased(listener: () => void): () => void;
}
