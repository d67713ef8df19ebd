/** One stream entry as the poller sees it, whatever the adapter. */
export interface StreamEntry {
  readonly entryId: string;
  readonly fields: Readonly<Record<string, string>>;
  /** 1 on the first delivery; grows with every redelivery (claim, own-pending read). */
  readonly deliveryCount: number;
}

/** Consumer lag as /health shows it. */
export interface StreamLag {
  readonly stream: string;
  readonly group: string;
  readonly length: number;
  /** Entries delivered to some consumer of the group and not yet acked. */
  readonly pending: number;
  /** Entries not yet delivered to the group (XINFO GROUPS `lag`); null when Redis cannot tell. */
  readonly lag: number | null;
  readonly consumers: number;
}
