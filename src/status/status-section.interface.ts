/** One labelled value on the status page. Values are escaped when rendered. */
export type StatusRow = readonly [label: string, value: string | number];

/** A block of the status page contributed by a module (leader, poller, worklist...). */
export interface StatusSection {
  readonly title: string;
  readonly rows: readonly StatusRow[];
  /** Optional colour hint for the whole section. */
  readonly tone?: 'ok' | 'warn' | 'bad';
}

/**
 * What a module registers to fill a section. Called on every page render;
 * must honour `signal` (the page gives each contributor HEALTH_CHECK_TIMEOUT_MS)
 * and must return no patient data: counts, ids, roles, names.
 */
export interface StatusSectionContributor {
  readonly title: string;
  /** Lower first; built-in sections use 100 and up. Default 50. */
  readonly order?: number;
  section(signal: AbortSignal): Promise<StatusSection> | StatusSection;
}
