import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env.schema.js';

/**
 * When API_TOKEN is set, requires `Authorization: Bearer <API_TOKEN>` (401
 * otherwise). Compares SHA-256 digests in constant time, so neither the
 * token's content nor its length leaks through timing. Open when unset.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(config: ConfigService<Env, true>) {
    const token = config.get('API_TOKEN', { infer: true });
    this.expected = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) return true;
    const { headers } = context.switchToHttp().getRequest<IncomingRequest>();
    const header = typeof headers.authorization === 'string' ? headers.authorization : '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (match && timingSafeEqual(digest(match[1]), this.expected)) return true;
    throw new UnauthorizedException('missing or invalid bearer token');
  }
}

interface IncomingRequest {
  headers: Record<string, string | string[] | undefined>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
