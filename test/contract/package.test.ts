// The package as a user gets it: built, packed with npm pack, installed from the tarball into an empty project,
// and called from plain JavaScript against the suite's Prism.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { root } from '../support/spec.ts';

const work = mkdtempSync(join(tmpdir(), 'ecpay-pack-'));
const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
let files: string[] = [];

beforeAll(() => {
  run(join(root, 'node_modules/.bin/tsx'), ['codegen/build-package.ts'], root);
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root));
  files = packed.files.map((f: { path: string }) => f.path);
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename)], app);
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships the bundles, their types and the wire spec, and no sources or tests', () => {
    for (const f of ['dist/index.js', 'dist/mock.js', 'dist/mock-cli.js', 'dist/types/src/index.d.ts', 'spec/views/wire.yaml']) expect(files).toContain(f);
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('codegen/') || /(?<!\.d)\.ts$/.test(f))).toEqual([]);
  });

  it('installs with no runtime dependency', () => {
    const installed = readdirSync(join(work, 'app/node_modules')).filter((d) => !d.startsWith('.') && d !== '@types');
    expect(installed).toEqual(['ecpay-einvoice']);
  });

  it('gives TypeScript users the plaintext types (strict, skipLibCheck off)', () => {
    // A Node project has @types/node; the declarations use Buffer and node:crypto types.
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-save', '@types/node@20'], join(work, 'app'));
    writeFileSync(join(work, 'app/check.ts'), `
      import { createEinvoiceClient, type B2cTriggerIssueResult } from 'ecpay-einvoice';
      const einvoice = createEinvoiceClient();
      const result: Promise<B2cTriggerIssueResult> = einvoice.b2c.triggerIssue({ Tsr: 'T1', PayType: '2' });
      // @ts-expect-error PayType is the fixed string '2'
      einvoice.b2c.triggerIssue({ Tsr: 'T1', PayType: '1' });
      void result;
    `);
    writeFileSync(join(work, 'app/tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['check.ts'] }));
    run(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], join(work, 'app'));
  });

  it('calls an operation against the mock from plain JavaScript', () => {
    writeFileSync(join(work, 'app/use.mjs'), `
      import { createEinvoiceClient, STAGE_CREDENTIALS, EcpayBusinessError } from 'ecpay-einvoice';
      const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: process.env.MOCK_URL } });
      const ok = await einvoice.b2c.triggerIssue({ Tsr: '201909170001', PayType: '2' });
      const failed = await einvoice.b2b.getInvalid({ InvoiceCategory: 0, RelateNumber: 'R1' }, { headers: { Prefer: 'example=businessFailure' } })
        .catch((e) => e instanceof EcpayBusinessError ? e.rtnCode : 'wrong error: ' + e);
      console.log(JSON.stringify({ ok, failed }));
    `);
    const out = JSON.parse(run(process.execPath, ['use.mjs'], join(work, 'app'), { MOCK_URL: inject('mockUrl') }));
    expect(out).toEqual({ ok: { RtnCode: 4000004, RtnMsg: '', Tsr: '201909170001' }, failed: 1600003 });
  });

  it('says how to get Prism when the mock helper is used without it', () => {
    writeFileSync(join(work, 'app/mock.mjs'), `
      import { startMock } from 'ecpay-einvoice/mock';
      await startMock({ port: 0 }).then(() => console.log('started?'), (e) => console.log(e.message));
    `);
    expect(run(process.execPath, ['mock.mjs'], join(work, 'app'))).toContain('npm install --save-dev @stoplight/prism-cli@5.14.2');
  });
});
