import { ConfigValidationError } from './config.error.js';
import { envSchema, type Env } from './env.schema.js';

/** Parses the environment once; throws ConfigValidationError naming every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv | Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return Object.freeze(result.data);
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? issue.path.join('.') : '(environment)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigValidationError(problems);
}
