import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import type { Logger } from 'pino';
import { AdminModule } from './admin/admin.module.js';
import { ClinicalOpsModule } from './clinical-ops/clinical-ops.module.js';
import { AppConfigModule } from './config/app-config.module.js';
import type { Env } from './config/env.schema.js';
import { HealthModule } from './health/health.module.js';
import { LeaderModule } from './leader/leader.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PollerModule } from './poller/poller.module.js';
import { RedisModule } from './redis/redis.module.js';
import { StatusModule } from './status/status.module.js';
import { TasksModule } from './tasks/tasks.module.js';

export interface AppModuleOptions {
  env: Env;
  logger: Logger;
  /** Extra feature modules: how tests (and embedders) add tasks without touching src/. */
  imports?: ModuleMetadata['imports'];
}

/** Composes the worker. The only file that imports feature modules. */
@Module({})
export class AppModule {
  static register({ env, logger, imports = [] }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggingModule.forRoot(logger),
        RedisModule,
        TasksModule,
        HealthModule,
        LeaderModule,
        MetricsModule,
        StatusModule,
        AdminModule,
        PollerModule,
        ClinicalOpsModule,
        // Feature modules (leader, poller, clinical-ops) are added here, one line each.
        ...imports,
      ],
    };
  }
}
