import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import type { Env } from '../config/env.schema.js';
import { matchesToken, tokenDigest } from './token-digest.js';

/**
 * When API_TOKEN is set, requires `Authorization: Bearer <API_TOKEN>` (401
 * otherwise), compared in constant time. Open when API_TOKEN is unset.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(config: ConfigService<Env, true>) {
    const token = config.get('API_TOKEN', { infer: true });
    this.expected = token === undefined ? undefined : tokenDigest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const header = context.switchToHttp().getRequest<IncomingMessage>().headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !matchesToken(match[1].trim(), this.expected))
      throw new UnauthorizedException('missing or invalid bearer token');
    return true;
  }
}
