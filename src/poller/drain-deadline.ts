/**
 * A signal that aborts `ms` after `signal` aborts: how long in-flight work may
 * still run once the task is asked to stop. dispose() clears the timer.
 */
export function drainDeadline(
  signal: AbortSignal,
  ms: number,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    timer = setTimeout(() => controller.abort(), ms);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}
