// The Prism mock of ECPay, for this project's tests and for users' own: Prism serving the wire view of the spec on
// loopback, whose examples' Data is really encrypted with the stage key. Started as a child process of the
// caller's Node (no npx, no shell), so the PID we hold is Prism's own and stop() leaves nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEchoProxy } from './mock-echo.ts';

export interface MockOptions {
  /** Default 127.0.0.1: the mock is for this machine only. */
  host?: string;
  /** Default 4010; 0 picks a free port. */
  port?: number;
  /** The wire-view spec to serve (default: the one shipped with this package). */
  spec?: string;
  /** How long to wait for Prism to listen (default 30 s). */
  startTimeoutMs?: number;
}

export interface RunningMock {
  /** Base URL to give the client: `environment: { baseUrl: mock.url }`. */
  url: string;
  port: number;
  /** Prism's own PID. */
  pid: number;
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The wire view: beside src/ in the repository, beside dist/ in the installed package. */
export function wireSpecPath(): string {
  for (const candidate of [join(here, '../spec/views/wire.yaml'), join(here, '../../spec/views/wire.yaml')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('spec/views/wire.yaml not found next to this package');
}

function prismEntry(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
  } catch {
    throw new Error('The mock needs @stoplight/prism-cli: npm install --save-dev @stoplight/prism-cli@5.14.2');
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  // Prism listens on a private port; the echo proxy (src/mock-echo.ts) is the mock's public door.
  const prismPort = await freePort(host);
  const child = spawn(process.execPath, [prismEntry(), 'mock', options.spec ?? wireSpecPath(), '-h', host, '-p', String(prismPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Prism did not listen within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`)), options.startTimeoutMs ?? 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Prism is listening/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Prism exited (code ${code}) before listening:\n${output}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Keep draining Prism's log so a full pipe never blocks it.
  child.stdout!.resume();
  child.stderr!.resume();
  let proxy: Awaited<ReturnType<typeof startEchoProxy>>;
  try {
    proxy = await startEchoProxy(`http://${host}:${prismPort}`, host, options.port ?? 4010);
  } catch (error) {
    await stopChild(child);
    const taken = (error as { code?: string }).code === 'EADDRINUSE';
    throw new Error(taken ? `port ${options.port ?? 4010} on ${host} is taken (another mock still running?): pass { port: 0 } for a free one` : (error as Error).message);
  }
  const url = `http://${host}:${proxy.port}`;
  return {
    url,
    port: proxy.port,
    pid: child.pid!,
    stop: async () => {
      await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
      await stopChild(child);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
