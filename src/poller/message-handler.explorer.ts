import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { MessageHandlerFn, PolledMessage } from './message.interface.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';
import { MESSAGE_HANDLER_METADATA } from './poller.constants.js';

/** Finds every @MessageHandler method at boot, the way @nestjs/schedule finds @Cron. */
@Injectable()
export class MessageHandlerExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: MessageHandlerRegistry,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const type = this.reflector.get<string | undefined>(
          MESSAGE_HANDLER_METADATA,
          fn as (...args: unknown[]) => unknown,
        );
        if (type === undefined) continue;
        const bound: MessageHandlerFn = (message: PolledMessage, signal: AbortSignal) =>
          (fn as MessageHandlerFn).call(instance, message, signal);
        this.registry.register(type, bound, `${instance.constructor.name}.${method}`);
      }
    }
  }
}
