// Helpers the benchmarks share: a free port, and a private redis-server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** A private redis-server on a free port, keeping nothing on disk. Stop it with child.kill(). */
export async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((done, fail) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      done();
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return { child, port, url: `redis://127.0.0.1:${port}` };
}
