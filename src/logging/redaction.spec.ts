import { describe, expect, it } from '@jest/globals';
import { createCaptureLogger } from '../../test/support/capture-logger.js';
import { redactUrl } from './redact-url.js';

describe('log redaction', () => {
  it('censors authorization headers, passwords, tokens and patient payload fields', () => {
    const { logger, logs } = createCaptureLogger();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer s3cret', cookie: 'sid=abc', accept: 'json' } },
        password: 'hunter2',
        config: { password: 'pw', token: 'tok' },
        message: {
          id: 'm-1',
          type: 'patient.message',
          payload: { body: 'I feel unwell' },
          patientRef: 'P-123',
        },
        body: 'raw body',
      },
      'line',
    );
    const text = JSON.stringify(logs.lines[0]);
    for (const secret of [
      's3cret',
      'sid=abc',
      'hunter2',
      '"pw"',
      'tok"',
      'I feel unwell',
      'P-123',
      'raw body',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(logs.lines[0]).toMatchObject({ message: { id: 'm-1', type: 'patient.message' } });
    expect((logs.lines[0].req as { headers: Record<string, string> }).headers.accept).toBe('json');
  });

  it.each([
    ['redis://:hunter2@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['rediss://app:hunter2@cache:6380', 'rediss://app:***@cache:6380'],
    ['redis://cache:6379', 'redis://cache:6379'],
  ])('redacts the password in %s', (raw, expected) => {
    expect(redactUrl(raw)).toBe(expected);
    expect(redactUrl(raw)).not.toContain('hunter2');
  });

  it('never echoes an unparseable URL, which may hold a secret', () => {
    expect(redactUrl('not a url with hunter2')).toBe('(unparseable url)');
  });
});
