import { Injectable } from '@nestjs/common';
import type { StatusSectionContributor } from './status-section.interface.js';

/**
 * Where modules plug sections into GET /status, with one line in their
 * onModuleInit: `this.statusSections.register({ title: 'Leader', section: () => ... })`.
 */
@Injectable()
export class StatusSectionRegistry {
  private readonly contributors: StatusSectionContributor[] = [];

  register(contributor: StatusSectionContributor): void {
    this.contributors.push(contributor);
  }

  list(): readonly StatusSectionContributor[] {
    return [...this.contributors].sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
  }
}
