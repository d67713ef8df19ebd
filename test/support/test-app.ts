import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module.js';
import { loadEnv } from '../../src/config/load-env.js';
import { createCaptureLogger } from './capture-logger.js';
import type { LogLines } from './log-lines.js';

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  logs: LogLines;
  close(): Promise<void>;
}

/** The real AppModule in this process, plus test modules, listening on a free port. */
export async function startTestApp(
  options: { env?: Record<string, string>; imports?: ModuleMetadata['imports'] } = {},
): Promise<TestApp> {
  const env = loadEnv({ NODE_ENV: 'test', SHUTDOWN_TIMEOUT_MS: '3000', ...options.env });
  const { logger, logs } = createCaptureLogger();
  const app = await NestFactory.create(
    AppModule.register({ env, logger, imports: options.imports }),
    {
      logger: false,
      abortOnError: false,
    },
  );
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, logs, close: () => app.close() };
}
