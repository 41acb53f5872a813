// Global setup of the contract suite: a real Prism from this project's node_modules on a free loopback port,
// stopped by its own PID afterwards, with a check that the process is really gone.
import type { TestProject } from 'vitest/node';
import { startMock } from '../../src/mock.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
    mockPid: number;
  }
}

/** Whether a process of this PID is running (signal 0 only asks). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export default async function setup(project: TestProject) {
  const mock = await startMock({ port: 0 });
  project.provide('mockUrl', mock.url);
  project.provide('mockPid', mock.pid);
  return async () => {
    await mock.stop();
    if (alive(mock.pid)) throw new Error(`Prism (pid ${mock.pid}) is still running after the contract suite`);
  };
}
