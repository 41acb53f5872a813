// The Prism mock of ECPay, for this project's tests and for users' own: Prism serving the wire view of the spec on
// loopback, whose examples' Data is really encrypted with the stage key. Started as a child process (no npx, no
// shell), so the PID we hold is Prism's own, and it cannot outlive the process that started it: a watchdog loaded
// into Prism (`node --import data:...`) ends it when its stdin pipe from us closes (the OS closes it however we exit,
// SIGKILL and crashes included) or when it is re-parented; a normal exit also kills it at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEchoProxy } from './mock-echo.ts';

/** Options of startMock. */
export interface MockOptions {
  /** The interface to listen on. Default 127.0.0.1: the mock is for this machine only. */
  host?: string | undefined;
  /** The mock's port. Default 4010; 0 picks a free one (read it from `url` or `port`). */
  port?: number | undefined;
  /** The wire-view spec to serve (default: the one shipped with this package). */
  spec?: string | undefined;
  /** How long to wait for Prism to listen, in ms (default 30 000). */
  startTimeoutMs?: number | undefined;
  /**
   * Keep this process alive while the mock runs (default false: a mock you forget to stop never holds your process
   * open, and Prism ends with it). The command-line mock sets it.
   */
  keepAlive?: boolean | undefined;
}

/** A running mock: give `url` to the client; `stop()` it, or let `await using` do it. */
export interface RunningMock {
  /** Base URL to give the client: `environment: { baseUrl: mock.url }`. */
  url: string;
  /** The port the mock listens on. */
  port: number;
  /** Prism's own PID. */
  pid: number;
  /** Stops Prism and the mock's front door; resolves when Prism has exited. Calling it again does nothing. */
  stop(): Promise<void>;
  /** `await using mock = await startMock()` stops it when the scope ends. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Thrown by startMock: `code` is 'EADDRINUSE' when the port is taken, 'PRISM_MISSING' without Prism. */
export class MockError extends Error {
  override readonly name = 'MockError';
  constructor(
    message: string,
    readonly code: 'EADDRINUSE' | 'PRISM_MISSING' | 'PRISM_FAILED',
  ) {
    super(message);
  }
}

/** The Prism releases this mock is made for (the package's optional peer dependency). */
const PRISM_RANGE = { min: [5, 14, 2], belowMajor: 6 } as const;
const INSTALL_PRISM =
  'npm install --save-dev @stoplight/prism-cli@5.14.2 (the last 5.x for Node 20; a newer 5.x on Node 24)';

// The CommonJS bundle gets import.meta.url from esbuild's define (codegen/build-package.ts).
const here = dirname(fileURLToPath(import.meta.url));

/** The wire view: beside src/ in the repository, beside dist/ in the installed package. */
function wireSpecPath(): string {
  for (const candidate of [join(here, '../spec/views/wire.yaml'), join(here, '../../spec/views/wire.yaml')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('spec/views/wire.yaml not found next to this package');
}

function prismEntry(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('@stoplight/prism-cli/package.json');
  } catch {
    throw new MockError(`The mock needs @stoplight/prism-cli: ${INSTALL_PRISM}`, 'PRISM_MISSING');
  }
  const version = String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version ?? '');
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  const [minMajor, minMinor, minPatch] = PRISM_RANGE.min;
  const tooOld =
    major < minMajor || (major === minMajor && (minor < minMinor || (minor === minMinor && patch < minPatch)));
  if (tooOld || major >= PRISM_RANGE.belowMajor) {
    throw new MockError(
      `The mock needs @stoplight/prism-cli 5 (5.14.2 or later), found ${version}: ${INSTALL_PRISM}`,
      'PRISM_MISSING',
    );
  }
  return join(dirname(manifest), 'dist/index.js');
}

/** Prism is a Node program: under Node it runs on this very Node, under Bun or Deno on the `node` found on PATH. */
function nodeExecutable(): string {
  const versions = process.versions as Record<string, string | undefined>;
  return versions.bun || versions.deno ? 'node' : process.execPath;
}

// Runs inside Prism before its own code: exit when the parent goes away. stdin is a pipe whose other end only the
// parent holds (Node opens it close-on-exec), so it reaches end-of-file when the parent exits in any way; the
// re-parenting check covers a platform where that end leaked to another process.
const WATCHDOG = [
  'const parent = process.ppid;',
  'const bye = () => process.exit(0);',
  "process.stdin.on('end', bye); process.stdin.on('close', bye); process.stdin.on('error', bye); process.stdin.resume();",
  'setInterval(() => { if (process.ppid !== parent) bye(); }, 500).unref();',
].join('\n');

/** A free TCP port on `host`, picked by the OS. */
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

/**
 * Starts the mock: Prism serving this package's wire spec on a private port, behind a loopback front door on
 * `port` that makes each canned answer about the request it answers (echoed fields, the current timestamp). Rejects
 * with a one-line MockError when the port is taken or Prism is missing. Needs `@stoplight/prism-cli` installed.
 */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4010;
  const entry = prismEntry();
  // The front door first: a taken port is reported before Prism is started for nothing. Prism's own port is private
  // and changes when another process took it between freePort() and Prism's listen.
  let prismPort = await freePort(host);
  let proxy: Awaited<ReturnType<typeof startEchoProxy>>;
  try {
    proxy = await startEchoProxy(() => `http://${host}:${prismPort}`, host, port);
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new MockError(
        `the mock cannot listen on ${host}:${port}: the port is taken (another mock still running?); pass { port: 0 } for a free one`,
        'EADDRINUSE',
      );
    }
    throw error;
  }
  let child: ChildProcess | undefined;
  for (let tries = 1; !child; tries += 1) {
    try {
      child = await startPrism(
        entry,
        options.spec ?? wireSpecPath(),
        host,
        prismPort,
        options.startTimeoutMs ?? 30_000,
      );
    } catch (error) {
      if (tries < 3 && /EADDRINUSE/.test((error as Error).message)) {
        prismPort = await freePort(host);
        continue;
      }
      await closeServer(proxy.server);
      throw error;
    }
  }
  // A normal exit of this process ends Prism at once; the watchdog covers every other way out.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  if (!options.keepAlive) {
    // Nothing of the mock holds the event loop: a forgotten mock lets the process end, and Prism goes with it.
    for (const handle of [child, child.stdin, child.stdout, child.stderr, proxy.server] as { unref?: () => void }[])
      handle?.unref?.();
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', onExit);
      await closeServer(proxy.server);
      await stopChild(child);
    })());
  return {
    url: `http://${host}:${proxy.port}`,
    port: proxy.port,
    pid: child.pid!,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function startPrism(
  entry: string,
  spec: string,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<ChildProcess> {
  const child = spawn(
    nodeExecutable(),
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(WATCHDOG)}`,
      entry,
      'mock',
      spec,
      '-h',
      host,
      '-p',
      String(port),
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new MockError(`Prism did not listen within ${timeoutMs} ms:\n${output}`, 'PRISM_FAILED')),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Prism is listening/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new MockError(`Prism could not be started with ${nodeExecutable()}: ${error.message}`, 'PRISM_FAILED'));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new MockError(`Prism exited (code ${code}) before listening:\n${output}`, 'PRISM_FAILED'));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Keep draining Prism's log so a full pipe never blocks it.
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would hold close() open for seconds.
    server.closeAllConnections?.();
  });
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

/**
 * The mock's URL inside a test run that uses the ready-made vitest global setup (`ecpay-einvoice/mock/vitest`),
 * which puts it in ECPAY_MOCK_URL.
 */
export function mockUrl(): string {
  const url = process.env.ECPAY_MOCK_URL;
  if (!url)
    throw new Error(
      "no mock is running: add globalSetup: ['ecpay-einvoice/mock/vitest'] to your vitest config (or start one with startMock())",
    );
  return url;
}
