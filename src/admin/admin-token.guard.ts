import {
  Injectable,
  NotFoundException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { matchesToken, tokenDigest } from '../auth/token-digest.js';
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
 * needs `Authorization: Bearer <ADMIN_TOKEN>` (401 otherwise), compared in
 * constant time (matchesToken).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(config: ConfigService<Env, true>) {
    const token = config.get('ADMIN_TOKEN', { infer: true });
    this.expected = token === undefined ? undefined : tokenDigest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<HttpRequestLike>();
    if (this.expected === undefined) {
      throw new NotFoundException(`Cannot ${req.method} ${req.url.split('?')[0]}`);
    }
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!match || !matchesToken(match[1], this.expected)) {
      throw new UnauthorizedException('admin token missing or wrong');
    }
    return true;
  }
}
