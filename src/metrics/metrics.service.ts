import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Env } from '../config/env.schema.js';
import { LabelSet } from './label-set.js';
import {
  DEAD_LETTER_REASONS,
  HANDLER_DURATION_BUCKETS,
  INBOX_PRIORITIES,
  METRIC_PREFIX,
  METRICS_REGISTRY,
  type DeadLetterReason,
} from './metrics.constants.js';

/**
 * The instruments other modules record into, one small method each, so no
 * module touches prom-client. Label values pass through declared sets: a
 * message type or inbox kind that was not declared is counted as `other`,
 * never written into a label (no patient data, bounded cardinality).
 */
@Injectable()
export class MetricsService {
  private readonly messageTypes = new LabelSet();
  private readonly inboxKinds = new LabelSet();
  private readonly priorities = new LabelSet(INBOX_PRIORITIES);
  private readonly reasons = new LabelSet(DEAD_LETTER_REASONS);
  private readonly streams: LabelSet;
  private readonly groups: LabelSet;

  private readonly handled: Counter<'type'>;
  private readonly failed: Counter<'type'>;
  private readonly retried: Counter<'type'>;
  private readonly deadLettered: Counter<'type' | 'reason'>;
  private readonly handlerDuration: Histogram<'type' | 'outcome'>;
  private readonly consumerLag: Gauge<'stream' | 'group'>;
  private readonly itemsFiled: Counter<'kind' | 'priority'>;
  private readonly itemsEscalated: Counter<'kind' | 'priority'>;
  private readonly itemsOpen: Gauge<'priority'>;
  private readonly itemsOverdue: Gauge<'priority'>;
  private readonly isLeader: Gauge;
  private readonly leaderTransitions: Counter<'to'>;
  private readonly fencingToken: Gauge;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, config: ConfigService<Env, true>) {
    const get = <K extends keyof Env>(key: K): Env[K] => config.get(key, { infer: true });
    this.streams = new LabelSet([
      get('POLLER_STREAM'),
      get('CLINICAL_OPS_INBOX_STREAM'),
      get('CLINICAL_OPS_ESCALATIONS_STREAM'),
    ]);
    this.groups = new LabelSet([get('POLLER_GROUP'), get('CLINICAL_OPS_GROUP')]);
    const registers = [registry];
    const name = (n: string): string => `${METRIC_PREFIX}${n}`;

    this.handled = new Counter({
      name: name('messages_handled_total'),
      help: 'Messages whose handler succeeded, by message type.',
      labelNames: ['type'],
      registers,
    });
    this.failed = new Counter({
      name: name('messages_failed_total'),
      help: 'Handler failures (each failed delivery), by message type.',
      labelNames: ['type'],
      registers,
    });
    this.retried = new Counter({
      name: name('messages_retried_total'),
      help: 'Messages scheduled for another delivery after a failure, by message type.',
      labelNames: ['type'],
      registers,
    });
    this.deadLettered = new Counter({
      name: name('messages_dead_lettered_total'),
      help: 'Messages moved to a dead-letter stream, by message type and reason.',
      labelNames: ['type', 'reason'],
      registers,
    });
    this.handlerDuration = new Histogram({
      name: name('message_handler_duration_seconds'),
      help: 'Handler run time, by message type and outcome (handled or failed).',
      labelNames: ['type', 'outcome'],
      buckets: HANDLER_DURATION_BUCKETS,
      registers,
    });
    this.consumerLag = new Gauge({
      name: name('consumer_lag'),
      help: 'Entries in the stream not yet delivered to the consumer group.',
      labelNames: ['stream', 'group'],
      registers,
    });
    this.itemsFiled = new Counter({
      name: name('inbox_items_filed_total'),
      help: 'Inbox items filed on the worklist, by kind and priority.',
      labelNames: ['kind', 'priority'],
      registers,
    });
    this.itemsEscalated = new Counter({
      name: name('inbox_items_escalated_total'),
      help: 'Worklist items escalated past their due time, by kind and priority.',
      labelNames: ['kind', 'priority'],
      registers,
    });
    this.itemsOpen = new Gauge({
      name: name('inbox_items_open'),
      help: 'Open worklist items at the last sweep, by priority.',
      labelNames: ['priority'],
      registers,
    });
    this.itemsOverdue = new Gauge({
      name: name('inbox_items_overdue'),
      help: 'Open worklist items past their due time at the last sweep, by priority.',
      labelNames: ['priority'],
      registers,
    });
    this.isLeader = new Gauge({
      name: name('leader_is_leader'),
      help: '1 while this instance holds the leadership lease, else 0.',
      registers,
    });
    this.isLeader.set(0);
    this.leaderTransitions = new Counter({
      name: name('leader_transitions_total'),
      help: 'Leadership changes of this instance, by the role it changed to.',
      labelNames: ['to'],
      registers,
    });
    this.fencingToken = new Gauge({
      name: name('leader_fencing_token'),
      help: 'Fencing token of the current leadership term (0 while not leader).',
      registers,
    });
    this.fencingToken.set(0);
  }

  /** The poller declares its handler types once at boot; undeclared types count as `other`. */
  declareMessageTypes(types: Iterable<string>): void {
    this.messageTypes.declare(types);
  }

  /** Clinical-ops declares its inbox item kinds once at boot. */
  declareInboxKinds(kinds: Iterable<string>): void {
    this.inboxKinds.declare(kinds);
  }

  messageHandled(type: string, seconds: number): void {
    const t = this.messageTypes.label(type);
    this.handled.inc({ type: t });
    this.handlerDuration.observe({ type: t, outcome: 'handled' }, seconds);
  }

  messageFailed(type: string, seconds: number): void {
    const t = this.messageTypes.label(type);
    this.failed.inc({ type: t });
    this.handlerDuration.observe({ type: t, outcome: 'failed' }, seconds);
  }

  messageRetried(type: string): void {
    this.retried.inc({ type: this.messageTypes.label(type) });
  }

  messageDeadLettered(type: string, reason: DeadLetterReason): void {
    this.deadLettered.inc({
      type: this.messageTypes.label(type),
      reason: this.reasons.label(reason),
    });
  }

  setConsumerLag(stream: string, group: string, entries: number): void {
    this.consumerLag.set(
      { stream: this.streams.label(stream), group: this.groups.label(group) },
      entries,
    );
  }

  itemFiled(kind: string, priority: string): void {
    this.itemsFiled.inc({
      kind: this.inboxKinds.label(kind),
      priority: this.priorities.label(priority),
    });
  }

  itemEscalated(kind: string, priority: string): void {
    this.itemsEscalated.inc({
      kind: this.inboxKinds.label(kind),
      priority: this.priorities.label(priority),
    });
  }

  /** The sweep reports the worklist's open and overdue counts for one priority. */
  setWorklistCounts(priority: string, open: number, overdue: number): void {
    const p = this.priorities.label(priority);
    this.itemsOpen.set({ priority: p }, open);
    this.itemsOverdue.set({ priority: p }, overdue);
  }

  /** The leader module calls this on every change; `token` is the new term's token, or null. */
  leadershipChanged(isLeader: boolean, token: number | null): void {
    this.isLeader.set(isLeader ? 1 : 0);
    this.fencingToken.set(isLeader && token !== null ? token : 0);
    this.leaderTransitions.inc({ to: isLeader ? 'leader' : 'follower' });
  }
}
