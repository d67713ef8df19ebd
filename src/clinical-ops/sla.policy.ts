import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env.schema.js';
import type { ItemPriority } from './inbox-item.schema.js';

/** Due time = received time + the priority's SLA (SLA_STAT_MS, SLA_URGENT_MS, SLA_ROUTINE_MS). */
@Injectable()
export class SlaPolicy {
  constructor(private readonly config: ConfigService<Env, true>) {}

  slaMs(priority: ItemPriority): number {
    switch (priority) {
      case 'stat':
        return this.config.get('SLA_STAT_MS', { infer: true });
      case 'urgent':
        return this.config.get('SLA_URGENT_MS', { infer: true });
      case 'routine':
        return this.config.get('SLA_ROUTINE_MS', { infer: true });
      default: {
        const unknown: never = priority;
        throw new Error(`no SLA for priority ${String(unknown)}`);
      }
    }
  }

  dueAt(receivedAt: number, priority: ItemPriority): number {
    return receivedAt + this.slaMs(priority);
  }
}
