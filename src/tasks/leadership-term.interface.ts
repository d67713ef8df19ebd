/** One leadership term as the supervisor sees it; set by the leader module. */
export interface LeadershipTerm {
  /** Fencing token: strictly greater for every later term, across all instances. */
  readonly token: number;
  readonly leaderId: string;
}
