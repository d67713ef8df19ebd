import { StreamGroupMissingError, StreamUnavailableError } from './poller.errors.js';

/**
 * Maps an ioredis failure onto the stream's error types: NOGROUP is a missing
 * group, any other Redis reply error is a bug and kept as is, anything else
 * (connection closed, command timeout, not writeable) is an unavailable stream.
 */
export function mapRedisError(
  error: unknown,
  operation: string,
  stream: string,
  group: string,
): Error {
  if (!(error instanceof Error)) return new StreamUnavailableError(operation, error);
  if (error.message.includes('NOGROUP'))
    return new StreamGroupMissingError(stream, group, { cause: error });
  if (error.name === 'ReplyError') return error;
  return new StreamUnavailableError(operation, error);
}
