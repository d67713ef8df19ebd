import { Injectable } from '@nestjs/common';
import type { MessageHandlerFn } from './message.interface.js';
import { DuplicateMessageHandlerError } from './poller.errors.js';

interface RegisteredHandler {
  readonly fn: MessageHandlerFn;
  readonly source: string;
}

/** The one owner of the type → handler map. */
@Injectable()
export class MessageHandlerRegistry {
  private readonly handlers = new Map<string, RegisteredHandler>();

  /** Throws DuplicateMessageHandlerError when `type` already has a handler. */
  register(type: string, fn: MessageHandlerFn, source: string): void {
    const existing = this.handlers.get(type);
    if (existing) throw new DuplicateMessageHandlerError(type, existing.source, source);
    this.handlers.set(type, { fn, source });
  }

  get(type: string): MessageHandlerFn | undefined {
    return this.handlers.get(type)?.fn;
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
