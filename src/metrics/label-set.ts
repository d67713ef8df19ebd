import { OTHER_LABEL } from './metrics.constants.js';

/**
 * The values one label may take. Anything not declared becomes `other`, so a
 * label can never carry a patient reference or free text from a message, and
 * its cardinality stays bounded by what the code declared.
 */
export class LabelSet {
  private readonly allowed: Set<string>;

  constructor(values: Iterable<string> = []) {
    this.allowed = new Set(values);
  }

  declare(values: Iterable<string>): void {
    for (const value of values) this.allowed.add(value);
  }

  label(value: string): string {
    return this.allowed.has(value) ? value : OTHER_LABEL;
  }
}
