import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LeaderElectionService } from '../leader/leader-election.service.js';
import type { StatusSection } from './status-section.interface.js';
import { StatusSectionRegistry } from './status-section.registry.js';

/** "Leader" on GET /status: this instance's role, the leader's id, the fencing token. */
@Injectable()
export class LeaderStatusContributor implements OnModuleInit {
  constructor(
    private readonly sections: StatusSectionRegistry,
    private readonly election: LeaderElectionService,
  ) {}

  onModuleInit(): void {
    this.sections.register({ title: 'Leader', order: 10, section: () => this.section() });
  }

  private section(): StatusSection {
    const e = this.election;
    const leader = e.role === 'leader';
    return {
      title: 'Leader',
      tone: e.leaderId === null ? 'warn' : 'ok',
      rows: [
        ['this instance', `${e.instanceId} (${e.role})`],
        ['leader', e.leaderId ?? 'unknown (no leader seen yet)'],
        ...(leader
          ? ([
              ['fencing token', e.fencingToken ?? '-'],
              ['lease valid for', `${e.leaseRemainingMs ?? 0} ms`],
            ] as const)
          : []),
      ],
    };
  }
}
