import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { REDACT_PATHS } from '../../src/logging/logging.constants.js';
import { LogLines } from './log-lines.js';

/** A root logger for in-process tests whose lines a test can read and await. */
export function createCaptureLogger(level = 'debug'): { logger: Logger; logs: LogLines } {
  const logs = new LogLines();
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.write(chunk);
      done();
    },
  });
  const logger = pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
  return { logger, logs };
}
