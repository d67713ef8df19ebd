import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { StatusSectionRegistry } from '../status/status-section.registry.js';
import type { StatusSection } from '../status/status-section.interface.js';
import { WORKLIST_STORE } from './clinical-ops.constants.js';
import { SlaSweepService } from './sla-sweep.service.js';
import type { WorklistStore } from './worklist.interface.js';

/** "Clinical ops worklist" on GET /status: open and overdue counts, the last SLA sweep. Counts only. */
@Injectable()
export class ClinicalOpsStatusContributor implements OnModuleInit {
  constructor(
    @Inject(WORKLIST_STORE) private readonly store: WorklistStore,
    private readonly sweep: SlaSweepService,
    @Optional() private readonly sections?: StatusSectionRegistry,
  ) {}

  onModuleInit(): void {
    this.sections?.register({
      title: 'Clinical ops worklist',
      order: 30,
      section: () => this.section(),
    });
  }

  /** Throws when the worklist cannot be read: the page shows the section as unavailable. */
  private async section(): Promise<StatusSection> {
    const counts = await this.store.counts(Date.now());
    const sweep = this.sweep.status();
    const failed = sweep.lastOutcome === 'failed' || sweep.lastOutcome === 'partial';
    return {
      title: 'Clinical ops worklist',
      tone: failed ? 'bad' : counts.overdue > 0 ? 'warn' : 'ok',
      rows: [
        ['open', counts.open],
        ['overdue', counts.overdue],
        ['last sweep', sweep.lastRunAt ?? 'none yet (sweeps run on the leader)'],
        ['last sweep outcome', sweep.lastOutcome ?? '-'],
        [
          'last sweep duration',
          sweep.lastDurationMs === undefined ? '-' : `${sweep.lastDurationMs} ms`,
        ],
        ['last sweep escalated', sweep.lastEscalated ?? '-'],
        ['sweeps (failed)', `${sweep.runs} (${sweep.failures})`],
        ...(sweep.lastError !== undefined
          ? ([['last sweep error', sweep.lastError]] as const)
          : []),
      ],
    };
  }
}
