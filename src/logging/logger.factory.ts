import { pino, type DestinationStream, type Logger } from 'pino';
import type { Env } from '../config/env.schema.js';
import { REDACT_PATHS } from './logging.constants.js';

/**
 * The process's root logger: JSON lines on stdout by default, pino-pretty when
 * LOG_FORMAT=pretty. Tests pass their own destination to read the lines.
 */
export function createRootLogger(
  env: Pick<Env, 'LOG_LEVEL' | 'LOG_FORMAT' | 'INSTANCE_ID'>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: env.LOG_LEVEL,
    base: { instance: env.INSTANCE_ID },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  if (env.LOG_FORMAT === 'pretty') {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options, pino.destination({ dest: 1, sync: true }));
}
