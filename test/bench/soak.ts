// The memory row of `make bench`: a steady load on loopback for SOAK_SECONDS (default 60), every call sharing one
// long-lived AbortSignal (the case that leaked with AbortSignal.any on Node 20), then the heap after a full GC at
// the start and at the end, and the handles left open. Run with --expose-gc; prints one JSON line.
import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { root } from '../support/spec.ts';
import { statusPayload } from './payloads.ts';

// The package as users run it: the built bundle.
const { createEinvoiceClient, STAGE_CREDENTIALS } = (await import(
  join(root, 'dist/index.js')
)) as typeof import('../../src/index.ts');

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/bench/server.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve) =>
  server.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()).port)),
);
const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: `http://127.0.0.1:${port}` } });
const shared = new AbortController().signal;
const call = () => einvoice.b2c.updateInvoiceWordStatus(statusPayload, { signal: shared });

async function load(ms: number): Promise<number> {
  let calls = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < end) {
        await call();
        calls += 1;
      }
    }),
  );
  return calls;
}

await load(2_000); // warm up: JIT, connection pool, lazily built schemas
const handlesBefore = process.getActiveResourcesInfo().length;
const before = heap();
const calls = await load(seconds * 1_000);
const after = heap();
const listeners = getEventListeners(shared, 'abort').length;
server.kill();
await new Promise((resolve) => server.once('exit', resolve));
await new Promise((resolve) => setTimeout(resolve, 100));
console.log(
  JSON.stringify({
    seconds,
    calls,
    before,
    after,
    listeners,
    handlesBefore,
    handlesAfter: process.getActiveResourcesInfo().length,
  }),
);
