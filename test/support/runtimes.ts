// Other runtimes and tools for the package test, from their npm packages (node@20.17, node@22, node@24, bun, deno,
// typescript@5), installed once per version into a cache folder that outlives node_modules (os.tmpdir(), or
// ECPAY_RUNTIMES_CACHE) and reused by later runs. An install that fails (no registry, say) is a reason to skip, given
// back as text; a runtime that installs is never skipped.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tool {
  /** What the test calls it. */
  name: string;
  /** The npm package and its exact version: the cache key. */
  pkg: string;
  version: string;
  /** The binary under node_modules/.bin. */
  bin: string;
}

export const RUNTIMES: Tool[] = [
  // The oldest Node the package supports: no require() of ES modules, so `require` must get the CommonJS build.
  { name: 'node 20.17', pkg: 'node', version: '20.17.0', bin: 'node' },
  { name: 'node 22', pkg: 'node', version: '22.23.3', bin: 'node' },
  { name: 'node 24', pkg: 'node', version: '24.21.0', bin: 'node' },
  { name: 'bun', pkg: 'bun', version: '1.4.5', bin: 'bun' },
  { name: 'deno', pkg: 'deno', version: '2.9.6', bin: 'deno' },
];

/** The TypeScript most users still have: its node10 default for `module: commonjs` is checked too. */
export const TYPESCRIPT_5: Tool = { name: 'typescript 5', pkg: 'typescript', version: '5.9.3', bin: 'tsc' };

const cacheRoot = process.env.ECPAY_RUNTIMES_CACHE ?? join(tmpdir(), 'ecpay-einvoice-runtimes');

export type Installed = { bin: string } | { skipped: string };

/** The tool's binary, installing it into the cache first when it is not there yet. */
export async function install(tool: Tool, timeoutMs = 150_000): Promise<Installed> {
  const dir = join(cacheRoot, `${tool.pkg}@${tool.version}`);
  const bin = join(dir, 'node_modules/.bin', tool.bin);
  if (existsSync(join(dir, '.ready')) && existsSync(bin)) return { bin };
  // Install beside the final folder and rename: a run killed half-way, or a parallel run, never leaves a broken cache.
  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'package.json'), '{"private":true}\n');
  const failure = await new Promise<string | undefined>((resolve) => {
    execFile(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', '--prefer-offline', `${tool.pkg}@${tool.version}`],
      { cwd: partial, timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve(undefined);
        const last = stderr
          .trim()
          .split('\n')
          .filter((l) => /ERR|error/i.test(l))
          .slice(-2)
          .join(' / ');
        resolve(
          error.killed
            ? `npm install ${tool.pkg}@${tool.version} took over ${timeoutMs / 1000} s`
            : `npm install ${tool.pkg}@${tool.version} failed: ${last || error.message}`,
        );
      },
    );
  });
  if (failure) {
    rmSync(partial, { recursive: true, force: true });
    return { skipped: failure };
  }
  writeFileSync(join(partial, '.ready'), `${new Date().toISOString()}\n`);
  if (existsSync(dir) && !existsSync(join(dir, '.ready'))) rmSync(dir, { recursive: true, force: true }); // a broken leftover
  try {
    renameSync(partial, dir);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another run finished first: use its install
  }
  return existsSync(bin) ? { bin } : { skipped: `${tool.pkg}@${tool.version} installed without ${tool.bin}` };
}
