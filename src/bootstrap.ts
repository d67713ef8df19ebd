import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { ConfigValidationError } from './config/config.error.js';
import type { Env } from './config/env.schema.js';
import { loadEnv } from './config/load-env.js';
import { ShutdownStateService } from './health/shutdown-state.service.js';
import { createRootLogger } from './logging/logger.factory.js';

export interface BootstrapOptions {
  /** Feature modules added to the app (test fixtures use this). */
  imports?: ModuleMetadata['imports'];
}

/**
 * Validates the environment, builds the app, installs process guards and
 * signal handling, and listens. Exits 1 with a message naming the variable when
 * the environment is invalid, before anything listens.
 */
export async function bootstrap(options: BootstrapOptions = {}): Promise<INestApplication> {
  const bootStarted = performance.now();
  let env: Env;
  try {
    env = loadEnv(process.env);
  } catch (error: unknown) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createRootLogger(env);
  installProcessGuards(logger);

  let app: INestApplication;
  try {
    app = await NestFactory.create(AppModule.register({ env, logger, imports: options.imports }), {
      bufferLogs: true,
      abortOnError: false,
    });
    app.useLogger(app.get(NestPinoLogger));
    app.flushLogs();
    installSignalHandlers(app, env, logger);
    await app.listen(env.PORT, env.HOST);
  } catch (error: unknown) {
    logger.fatal({ err: error }, 'worker failed to start');
    process.exit(1);
  }
  const address = (app.getHttpServer() as Server).address() as AddressInfo | null;
  logger.info(
    { port: address?.port ?? env.PORT, bootMs: Math.round(performance.now() - bootStarted) },
    'worker listening',
  );
  return app;
}

/**
 * A stray rejection is logged and survived: it is a bug, but not one that
 * leaves the process in an unknown state. An uncaught exception is logged and
 * ends the process, as Node advises; the probes and the orchestrator take over.
 */
function installProcessGuards(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection; the worker goes on');
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
}

/**
 * First SIGTERM/SIGINT: readiness turns 503 at once, then after
 * SHUTDOWN_DELAY_MS (time for endpoints to drain) the app closes: tasks are
 * aborted and awaited up to SHUTDOWN_TIMEOUT_MS, connections close, exit 0.
 * A second signal exits at once.
 */
function installSignalHandlers(app: INestApplication, env: Env, logger: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal; exiting now');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    closing = true;
    app.get(ShutdownStateService).begin();
    logger.info(
      { signal, delayMs: env.SHUTDOWN_DELAY_MS, budgetMs: env.SHUTDOWN_TIMEOUT_MS },
      'shutdown begun; readiness is now 503',
    );
    void shutdown(app, env, logger);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function shutdown(app: INestApplication, env: Env, logger: Logger): Promise<void> {
  const started = performance.now();
  // Hard stop a little after the budget, in case a close step hangs past it.
  const hardStop = setTimeout(
    () => {
      logger.error({ budgetMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutdown overran its budget; exiting');
      process.exit(1);
    },
    env.SHUTDOWN_DELAY_MS + env.SHUTDOWN_TIMEOUT_MS + 2_000,
  );
  hardStop.unref();
  try {
    if (env.SHUTDOWN_DELAY_MS > 0) await new Promise((r) => setTimeout(r, env.SHUTDOWN_DELAY_MS));
    await app.close();
    logger.info({ tookMs: Math.round(performance.now() - started) }, 'shutdown complete');
    process.exit(0);
  } catch (error: unknown) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
