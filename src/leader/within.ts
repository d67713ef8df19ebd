/**
 * Resolves or rejects like `promise`, or rejects after `ms` with `what` in the
 * message. The late settlement of `promise` is swallowed: its answer came too
 * late to act on. Leaves no timer behind.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
      }),
    ]);
  } catch (error: unknown) {
    promise.catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
