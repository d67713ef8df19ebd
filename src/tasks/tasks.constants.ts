/** How long an aborted run may take to settle before it is reported as ignoring its signal. */
export const ABORT_GRACE_MS = 5_000;
