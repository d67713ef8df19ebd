import { describe, expect, it } from '@jest/globals';
import { describeIssues, inboxEntrySchema } from './inbox-item.schema.js';

const valid = {
  id: 'lab-4711',
  kind: 'lab-result',
  priority: 'stat',
  patientRef: 'SECRET-REF',
  receivedAt: '2026-12-03T10:00:00Z',
  payload: '{"value":"SECRET-VALUE"}',
};

describe('inboxEntrySchema', () => {
  it('accepts a complete entry and parses its payload', () => {
    const parsed = inboxEntrySchema.parse({ ...valid, source: 'poller' });
    expect(parsed.payload).toEqual({ value: 'SECRET-VALUE' });
    expect(parsed.source).toBe('poller');
  });

  it.each([
    ['an unknown kind', { kind: 'x-ray' }, 'kind'],
    ['an unknown priority', { priority: 'asap' }, 'priority'],
    ['an id with spaces', { id: 'has space' }, 'id'],
    ['a receivedAt that is not ISO 8601', { receivedAt: '03/12/2026' }, 'receivedAt'],
    ['a payload that is not JSON', { payload: 'SECRET {' }, 'payload'],
    ['a payload that is a JSON array', { payload: '["SECRET"]' }, 'payload'],
    ['an empty patientRef', { patientRef: '' }, 'patientRef'],
    ['no patientRef', { patientRef: undefined }, 'patientRef'],
  ])('rejects %s, naming the field but not the value', (_what, patch, field) => {
    const result = inboxEntrySchema.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
    if (result.success) return;
    const reason = describeIssues(result.error);
    expect(reason).toMatch(new RegExp(`^${field}: `));
    expect(reason).not.toContain('SECRET');
  });
});
