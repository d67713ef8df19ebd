import { describe, expect, it } from '@jest/globals';
import { parseEntry } from './message.parser.js';

const entry = (fields: Record<string, string>) => ({ entryId: '5-0', fields, deliveryCount: 2 });

describe('parseEntry', () => {
  it.each([
    [{ payload: '{}' }, 'malformed: no type'],
    [{ type: ' ', payload: '{}' }, 'malformed: no type'],
    [{ type: 't' }, 'malformed: no payload'],
    [{ type: 't', payload: '{x' }, 'malformed: payload is not valid JSON'],
    [{ type: 't', payload: '[]' }, 'malformed: payload is not a JSON object'],
    [{ type: 't', payload: 'null' }, 'malformed: payload is not a JSON object'],
    [{ type: 't', payload: '"s"' }, 'malformed: payload is not a JSON object'],
  ])('rejects %j with "%s"', (fields, reason) => {
    expect(parseEntry(entry(fields))).toEqual({ ok: false, reason });
  });

  it('uses the id field as idempotency key, else the entry id', () => {
    expect(parseEntry(entry({ type: 't', payload: '{"a":1}', id: 'k' }))).toEqual({
      ok: true,
      message: { id: 'k', type: 't', payload: { a: 1 }, deliveryCount: 2, entryId: '5-0' },
    });
    const parsed = parseEntry(entry({ type: 't', payload: '{}' }));
    expect(parsed.ok && parsed.message.id).toBe('5-0');
  });
});
