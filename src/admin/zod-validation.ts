import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Parses `input` or throws a 400 that names every bad field by its path. */
export function parseOrBadRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({
    field: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: 'invalid request',
    problems,
  });
}
