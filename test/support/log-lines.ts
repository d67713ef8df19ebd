import { EventEmitter } from 'node:events';

export type LogLine = Record<string, unknown> & { level: number; msg?: string; task?: string };
export type LogPredicate = (line: LogLine) => boolean;

/** Collects pino JSON lines and lets a test await the first line matching a predicate. */
export class LogLines {
  readonly lines: LogLine[] = [];
  private readonly events = new EventEmitter();
  private partial = '';

  constructor() {
    this.events.setMaxListeners(0);
  }

  /** Feed raw output; complete lines are parsed, non-JSON lines kept as { msg }. */
  write(chunk: string | Buffer): void {
    this.partial += chunk.toString();
    let newline: number;
    while ((newline = this.partial.indexOf('\n')) >= 0) {
      const text = this.partial.slice(0, newline).trim();
      this.partial = this.partial.slice(newline + 1);
      if (text) this.push(parse(text));
    }
  }

  find(predicate: LogPredicate): LogLine | undefined {
    return this.lines.find(predicate);
  }

  filter(predicate: LogPredicate): LogLine[] {
    return this.lines.filter(predicate);
  }

  /**
   * Resolves with the first line (already seen or still to come) that matches.
   * `signal` gives up early (rejects), leaving no timer behind.
   */
  waitFor(
    predicate: LogPredicate,
    timeoutMs = 15_000,
    what = 'a matching log line',
    signal?: AbortSignal,
  ): Promise<LogLine> {
    const seen = this.find(predicate);
    if (seen) return Promise.resolve(seen);
    if (signal?.aborted) return Promise.reject(new Error(`gave up waiting for ${what}`));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        cleanup();
        reject(new Error(`gave up waiting for ${what}`));
      };
      const onLine = (line: LogLine): void => {
        if (!predicate(line)) return;
        cleanup();
        resolve(line);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; last lines:\n${this.tail(15)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('line', onLine);
        signal?.removeEventListener('abort', onAbort);
      };
      this.events.on('line', onLine);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  tail(n: number): string {
    return this.lines
      .slice(-n)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }

  private push(line: LogLine): void {
    this.lines.push(line);
    this.events.emit('line', line);
  }
}

function parse(text: string): LogLine {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object') return value as LogLine;
  } catch {
    // not JSON: keep it readable
  }
  return { level: 0, msg: text };
}

export const byMsg =
  (fragment: string, task?: string): LogPredicate =>
  (line) =>
    typeof line.msg === 'string' &&
    line.msg.includes(fragment) &&
    (task === undefined || line.task === task);
