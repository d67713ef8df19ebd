import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { Env } from './env.schema.js';

/**
 * Global typed configuration over an environment that loadEnv() has already
 * validated. Inject `ConfigService<Env, true>` and read with
 * `config.get('PORT', { infer: true })`. process.env is never consulted again.
 */
@Module({})
export class AppConfigModule {
  static async forRoot(env: Env): Promise<DynamicModule> {
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        await ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          skipProcessEnv: true,
          cache: true,
          load: [() => ({ ...env })],
        }),
      ],
      exports: [ConfigModule],
    };
  }
}
