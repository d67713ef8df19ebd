import type { Logger } from 'pino';
import type { DeadLetterReason } from '../metrics/metrics.constants.js';
import type { MetricsService } from '../metrics/metrics.service.js';
import type { MessageStream } from './message-stream.interface.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';
import { parseEntry } from './message.parser.js';
import { UnrecoverableMessageError } from './poller.errors.js';
import type { PollerSettings } from './poller.settings.js';
import type { StreamEntry } from './stream-entry.interface.js';

/** What became of each entry of a batch. Dead-lettered entries are acked by the dead-letter write. */
export interface BatchOutcome {
  readonly ack: string[];
  readonly retry: StreamEntry[];
  readonly deadLettered: number;
  /** Not finished (shutdown) or not dead-lettered (stream down): left pending. */
  readonly kept: number;
}

type Result = 'ack' | 'retry' | 'dead' | 'kept' | 'running';

/**
 * Runs the handlers of one batch with bounded concurrency. Every entry ends as
 * exactly one of ack, retry, dead-lettered or kept (left pending), and one
 * entry's failure never affects another's outcome.
 */
export class MessageBatchProcessor {
  constructor(
    private readonly stream: MessageStream,
    private readonly handlers: MessageHandlerRegistry,
    private readonly settings: PollerSettings,
    private readonly logger: Logger,
    private readonly metrics?: MetricsService,
  ) {}

  /**
   * `stop` (the task's signal): start no new handler once it aborts.
   * `drain`: aborts when in-flight handlers may no longer be waited for.
   */
  async process(
    entries: readonly StreamEntry[],
    stop: AbortSignal,
    drain: AbortSignal,
  ): Promise<BatchOutcome> {
    const n = entries.length;
    const results = new Array<Result | undefined>(n);
    // One controller per batch, aborted by the batch's handler timeout or by the drain deadline.
    // (Not AbortSignal.any: on Node 20 its dependants of a long-lived signal pile up.)
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.settings.handlerTimeoutMs);
    const onDrain = (): void => controller.abort();
    if (drain.aborted) onDrain();
    else drain.addEventListener('abort', onDrain, { once: true });
    const handlerSignal = controller.signal;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < n && !stop.aborted && !handlerSignal.aborted) {
        const i = next++;
        results[i] = 'running';
        results[i] = await this.one(entries[i], handlerSignal);
      }
    };
    let onAbort: (() => void) | undefined;
    const interrupted = new Promise<void>((resolve) => {
      onAbort = resolve;
      handlerSignal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const workers: Promise<void>[] = [];
      for (let w = 0; w < Math.min(this.settings.concurrency, n); w++) workers.push(worker());
      await Promise.race([Promise.all(workers), interrupted]);
    } finally {
      clearTimeout(timer);
      drain.removeEventListener('abort', onDrain);
      if (onAbort) handlerSignal.removeEventListener('abort', onAbort);
    }
    return this.summarize(entries, results, timedOut && !drain.aborted);
  }

  private summarize(
    entries: readonly StreamEntry[],
    results: readonly (Result | undefined)[],
    timedOut: boolean,
  ): BatchOutcome {
    const ack: string[] = [];
    const retry: StreamEntry[] = [];
    let deadLettered = 0;
    let kept = 0;
    entries.forEach((entry, i) => {
      const result = results[i];
      if (result === 'ack') ack.push(entry.entryId);
      else if (result === 'dead') deadLettered++;
      else if (result === 'retry') retry.push(entry);
      else if (result === 'running' && timedOut) {
        this.logger.warn(
          { entryId: entry.entryId, timeoutMs: this.settings.handlerTimeoutMs },
          'message handler timed out; retrying after backoff',
        );
        retry.push(entry);
      } else if (result === undefined && timedOut) retry.push(entry);
      else kept++;
    });
    return { ack, retry, deadLettered, kept };
  }

  private async one(entry: StreamEntry, signal: AbortSignal): Promise<Result> {
    const parsed = parseEntry(entry);
    if (!parsed.ok) return this.deadLetter(entry, 'malformed', parsed.reason);
    const { message } = parsed;
    const handler = this.handlers.get(message.type);
    if (!handler)
      return this.deadLetter(entry, 'no-handler', `no handler for type "${message.type}"`);
    const max = this.settings.maxDeliveries;
    if (entry.deliveryCount > max)
      return this.deadLetter(
        entry,
        'max-deliveries',
        `delivered ${entry.deliveryCount} times (max ${max})`,
      );
    const started = performance.now();
    try {
      await handler(message, signal);
      this.metrics?.messageHandled(message.type, (performance.now() - started) / 1_000);
      return 'ack';
    } catch (error: unknown) {
      this.metrics?.messageFailed(message.type, (performance.now() - started) / 1_000);
      const lastError = error instanceof Error ? error.message : String(error);
      if (error instanceof UnrecoverableMessageError)
        return this.deadLetter(entry, 'invalid', `unrecoverable: ${lastError}`, lastError);
      if (entry.deliveryCount >= max)
        return this.deadLetter(
          entry,
          'max-deliveries',
          `handler failed ${entry.deliveryCount} times (max ${max})`,
          lastError,
        );
      this.metrics?.messageRetried(message.type);
      this.logger.warn(
        {
          err: error,
          entryId: entry.entryId,
          id: message.id,
          type: message.type,
          deliveryCount: entry.deliveryCount,
        },
        'message handler failed; retrying after backoff',
      );
      return 'retry';
    }
  }

  private async deadLetter(
    entry: StreamEntry,
    code: DeadLetterReason,
    reason: string,
    lastError?: string,
  ): Promise<Result> {
    try {
      await this.stream.deadLetter(entry, {
        reason,
        deliveryCount: entry.deliveryCount,
        lastError,
        consumer: this.stream.consumer,
      });
      this.metrics?.messageDeadLettered(entry.fields.type ?? '', code);
      this.logger.warn(
        {
          entryId: entry.entryId,
          type: entry.fields.type,
          deliveryCount: entry.deliveryCount,
          reason,
        },
        'message dead-lettered',
      );
      return 'dead';
    } catch (error: unknown) {
      // Still pending: a later claim brings it back and the dead-letter is tried again.
      this.logger.warn(
        { err: error, entryId: entry.entryId, reason },
        'dead-letter write failed; the entry stays pending',
      );
      return 'kept';
    }
  }
}
