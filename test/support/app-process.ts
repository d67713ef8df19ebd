import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { freePort } from './free-port.js';
import { byMsg, LogLines } from './log-lines.js';

export interface AppProcessOptions {
  /** Script to run, relative to the repo root. Default: the built app, dist/main.js. */
  entry?: string;
  env?: Record<string, string | undefined>;
  /** Wait for "worker listening" before resolving. Default true. */
  waitForListening?: boolean;
  listenTimeoutMs?: number;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const ROOT = resolve(import.meta.dirname, '../..');

/** A real process of the built app, with its JSON logs parsed as they arrive. */
export class AppProcess {
  readonly logs = new LogLines();
  readonly stderr: string[] = [];
  readonly exited: Promise<ExitResult>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.logs.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk.toString());
      this.logs.write(chunk);
    });
    this.exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  static async spawn(options: AppProcessOptions = {}): Promise<AppProcess> {
    const port = options.env?.PORT ? Number(options.env.PORT) : await freePort();
    const child = spawn(process.execPath, [resolve(ROOT, options.entry ?? 'dist/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'debug',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(child, port);
    if (options.waitForListening !== false) {
      await Promise.race([
        app.logs.waitFor(
          byMsg('worker listening'),
          options.listenTimeoutMs ?? 20_000,
          '"worker listening"',
        ),
        app.exited.then((r) => {
          throw new Error(
            `app exited before listening (${JSON.stringify(r)}):\n${app.logs.tail(20)}`,
          );
        }),
      ]);
    }
    return app;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL if still running, and wait for the exit. For afterAll/afterEach. */
  async kill(): Promise<ExitResult> {
    if (this.running) {
      this.child.kill('SIGCONT');
      this.child.kill('SIGKILL');
    }
    return this.exited;
  }
}
