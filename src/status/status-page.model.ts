import type { TaskStatus } from '../tasks/task-status.interface.js';
import type { StatusSection } from './status-section.interface.js';

/** Everything GET /status shows; built by StatusService, rendered by renderStatusPage. */
export interface StatusPageModel {
  readonly instanceId: string;
  /** Epoch ms. */
  readonly now: number;
  readonly startedAt: number;
  readonly mode: 'redis' | 'embedded';
  readonly shuttingDown: boolean;
  readonly refreshSeconds: number;
  readonly tasks: readonly TaskStatus[];
  readonly sections: readonly StatusSection[];
}
