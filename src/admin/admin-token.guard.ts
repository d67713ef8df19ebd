import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Injectable,
  NotFoundException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env.schema.js';

/** What the guard reads of the request (express is not a typed dependency here). */
interface HttpRequestLike {
  method: string;
  url: string;
  headers: { authorization?: string };
}

/**
 * The admin API exists only when ADMIN_TOKEN is set: otherwise every /admin
 * route answers 404 exactly as an unknown route does. With it set, a request
 * needs `Authorization: Bearer <ADMIN_TOKEN>` (401 otherwise). Both sides are
 * hashed to SHA-256 first so timingSafeEqual compares equal-length buffers and
 * neither the content nor the length of the token leaks through timing.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(config: ConfigService<Env, true>) {
    const token = config.get('ADMIN_TOKEN', { infer: true });
    this.expected = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<HttpRequestLike>();
    if (this.expected === undefined) {
      throw new NotFoundException(`Cannot ${req.method} ${req.url.split('?')[0]}`);
    }
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException('admin token missing or wrong');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
