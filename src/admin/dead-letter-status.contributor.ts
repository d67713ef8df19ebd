import { Injectable, type OnModuleInit } from '@nestjs/common';
import { StatusSectionRegistry } from '../status/status-section.registry.js';
import type { StatusRow, StatusSection } from '../status/status-section.interface.js';
import { deadLetterStreamOf } from '../streams/dead-letter.format.js';
import { DeadLetterService } from './dead-letter.service.js';

/** Adds "Dead letters" (entries per dead-letter stream) to GET /status. Counts only. */
@Injectable()
export class DeadLetterStatusContributor implements OnModuleInit {
  constructor(
    private readonly sections: StatusSectionRegistry,
    private readonly deadLetters: DeadLetterService,
  ) {}

  onModuleInit(): void {
    this.sections.register({ title: 'Dead letters', order: 40, section: () => this.section() });
  }

  private async section(): Promise<StatusSection> {
    const rows = await Promise.all(
      this.deadLetters.streams.map(async (stream): Promise<StatusRow> => {
        try {
          return [deadLetterStreamOf(stream), await this.deadLetters.count(stream)];
        } catch (error: unknown) {
          return [
            deadLetterStreamOf(stream),
            `unavailable: ${error instanceof Error ? error.message : String(error)}`,
          ];
        }
      }),
    );
    const unavailable = rows.some(([, v]) => typeof v === 'string');
    const waiting = rows.some(([, v]) => typeof v === 'number' && v > 0);
    return { title: 'Dead letters', rows, tone: unavailable || waiting ? 'warn' : 'ok' };
  }
}
