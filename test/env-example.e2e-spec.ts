import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { envSchema } from '../src/config/env.schema.js';

const ROOT = resolve(import.meta.dirname, '..');
const declared = Object.keys(envSchema.shape).sort();

describe('documented configuration', () => {
  it('.env.example lists every variable the schema declares, and no other', () => {
    const text = readFileSync(resolve(ROOT, '.env.example'), 'utf8');
    const listed = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(declared);
  });

  it('README.md names every variable the schema declares', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const missing = declared.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
