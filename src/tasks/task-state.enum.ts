/** Every state a supervised task can be in. See docs/architecture.md for the transitions. */
export enum TaskState {
  /** Registered, or its start(ctx) has not resolved yet. */
  Starting = 'starting',
  /** run(ctx) is executing. */
  Running = 'running',
  /** Crashed; waiting for its restart delay. */
  Backoff = 'backoff',
  /** Leader-only task on an instance that is not the leader. */
  Standby = 'standby',
  /** Missed its heartbeat deadline; aborted, restarted once its run settles. */
  Stalled = 'stalled',
  /** Abort requested; waiting for the run to settle. */
  Stopping = 'stopping',
  /** Stopped on request (shutdown or admin). */
  Stopped = 'stopped',
  /** Gave up: crash budget spent, or a `never` task crashed. */
  Failed = 'failed',
  /** Returned cleanly under an `on-failure` or `never` restart policy. */
  Completed = 'completed',
}
