// The mock cannot outlive what started it: Prism goes when its parent is SIGKILLed or simply ends without stop(),
// and `await using` stops it at the end of the scope.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { startMock } from '../../src/mock.ts';
import { root } from '../support/spec.ts';
import { alive } from './prism-setup.ts';

async function gone(pid: number, withinMs: number): Promise<boolean> {
  for (const until = Date.now() + withinMs; Date.now() < until; await new Promise((r) => setTimeout(r, 100)))
    if (!alive(pid)) return true;
  return !alive(pid);
}

/** Runs test/fixtures/mock-child.ts in its own Node process (no tsx wrapper process: the PID is the mock's parent). */
async function startChild(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/fixtures/mock-child.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { child, ...(JSON.parse(line) as { pid: number; url: string }) };
}

describe('the mock cannot leak', () => {
  it('Prism ends when the process that started it is killed with SIGKILL', async () => {
    const { child, pid, url } = await startChild('--stay');
    expect(alive(pid)).toBe(true);
    expect((await fetch(`${url}/B2CInvoice/GetIssue`, { method: 'POST', body: '{}' })).status).toBeGreaterThanOrEqual(
      400,
    );
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await gone(pid, 5_000)).toBe(true);
  });

  it('Prism ends, and does not hold the process open, when a script forgets to stop it', async () => {
    const started = Date.now();
    const { child, pid } = await startChild();
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await gone(pid, 5_000)).toBe(true);
  });

  it('`await using` stops it at the end of the scope', async () => {
    let pid = 0;
    {
      await using mock = await startMock({ port: 0 });
      pid = mock.pid;
      expect(alive(pid)).toBe(true);
    }
    expect(alive(pid)).toBe(false);
  });
});
