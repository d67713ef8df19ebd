import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { InMemoryStreams } from '../embedded/in-memory-streams.js';
import { InMemoryMessageStream } from './in-memory-message-stream.js';
import { MessageBatchProcessor } from './message-batch.processor.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';
import type { MessageHandlerFn } from './message.interface.js';
import { UnrecoverableMessageError } from './poller.errors.js';
import type { PollerSettings } from './poller.settings.js';
import type { StreamEntry } from './stream-entry.interface.js';

const settings: PollerSettings = {
  stream: 's',
  group: 'g',
  consumer: 'c',
  batchSize: 100,
  blockMs: 10,
  concurrency: 3,
  maxDeliveries: 3,
  visibilityTimeoutMs: 10_000,
  retryBackoffMs: 10,
  claimIntervalMs: 1_000,
  handlerTimeoutMs: 10_000,
  drainMs: 1_000,
};
const never = new AbortController().signal;

async function setup(handlers: Record<string, MessageHandlerFn>, overrides = {}) {
  const streams = new InMemoryStreams();
  const stream = new InMemoryMessageStream(streams, settings);
  await stream.ensureGroup();
  const registry = new MessageHandlerRegistry();
  for (const [type, fn] of Object.entries(handlers)) registry.register(type, fn, type);
  const processor = new MessageBatchProcessor(
    stream,
    registry,
    { ...settings, ...overrides },
    pino({ level: 'silent' }),
  );
  const deliver = async (...types: string[]): Promise<StreamEntry[]> => {
    for (const type of types) await stream.append({ type, payload: '{}' });
    return stream.readNew(100, 10, never);
  };
  const dlq = () => streams.range('s.dlq').map((e) => e.fields);
  return { stream, processor, deliver, dlq };
}

describe('MessageBatchProcessor', () => {
  it('runs at most POLLER_CONCURRENCY handlers at once and acks every success', async () => {
    let running = 0;
    let peak = 0;
    const { processor, deliver } = await setup({
      ok: async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
    });
    const entries = await deliver(...Array<string>(10).fill('ok'));
    const outcome = await processor.process(entries, never, never);
    expect(peak).toBe(3);
    expect(outcome.ack).toEqual(entries.map((e) => e.entryId));
    expect(outcome).toMatchObject({ retry: [], deadLettered: 0, kept: 0 });
  });

  it('retries a failure below max deliveries, dead-letters one at max, never affects the others', async () => {
    const { processor, deliver, dlq } = await setup({
      ok: () => Promise.resolve(),
      bad: () => Promise.reject(new Error('boom')),
    });
    const [ok, bad] = await deliver('ok', 'bad');
    const first = await processor.process([ok, bad], never, never);
    expect(first.ack).toEqual([ok.entryId]);
    expect(first.retry).toEqual([bad]);

    const last = await processor.process([{ ...bad, deliveryCount: 3 }], never, never);
    expect(last.deadLettered).toBe(1);
    expect(dlq()).toEqual([
      expect.objectContaining({
        type: 'bad',
        reason: 'handler failed 3 times (max 3)',
        error: 'boom',
        deliveries: '3',
      }),
    ]);
  });

  it('dead-letters at once: unrecoverable, unknown type, past max deliveries (handler not called)', async () => {
    let calls = 0;
    const { processor, deliver, dlq } = await setup({
      fatal: () => Promise.reject(new UnrecoverableMessageError('payload.x: required')),
      ok: () => {
        calls++;
        return Promise.resolve();
      },
    });
    const [fatal, unknown, ok] = await deliver('fatal', 'nope', 'ok');
    const outcome = await processor.process(
      [fatal, unknown, { ...ok, deliveryCount: 4 }],
      never,
      never,
    );
    expect(outcome.deadLettered).toBe(3);
    expect(calls).toBe(0);
    expect(dlq().map((f) => f['reason'])).toEqual(
      expect.arrayContaining([
        'unrecoverable: payload.x: required',
        'no handler for type "nope"',
        'delivered 4 times (max 3)',
      ]),
    );
  });

  it('on stop starts no new handler, lets running ones finish, keeps the rest pending', async () => {
    const stop = new AbortController();
    const { processor, deliver } = await setup({
      slow: async () => {
        // After the first three have started (they start in the same tick).
        setTimeout(() => stop.abort(), 1);
        await new Promise((r) => setTimeout(r, 20));
      },
    });
    const entries = await deliver(...Array<string>(6).fill('slow'));
    const outcome = await processor.process(entries, stop.signal, never);
    expect(outcome.ack).toEqual(entries.slice(0, 3).map((e) => e.entryId));
    expect(outcome.kept).toBe(3);
  });

  it('counts a handler past its timeout as failed, retried, and aborts its signal', async () => {
    let aborted = false;
    const { processor, deliver } = await setup(
      {
        hang: (_m, signal) =>
          new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            }),
          ),
      },
      { handlerTimeoutMs: 30 },
    );
    const [entry] = await deliver('hang');
    const outcome = await processor.process([entry], never, never);
    expect(aborted).toBe(true);
    expect(outcome.retry.map((e) => e.entryId)).toEqual([entry.entryId]);
  });
});
