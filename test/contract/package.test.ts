// The package as users get it: built, packed with npm pack, installed from the tarball into fresh projects (one ES
// module project, one CommonJS project), then used from JavaScript (import and require), from TypeScript under each
// module setting (bundler, node16 both ways, commonjs compiled and run, node10; TypeScript 6 and 5), by the
// examples (scripts and a vitest suite), and on other runtimes from their npm packages (Node 20.17, 22 and 24, Bun,
// Deno), against the suite's Prism or a mock the script starts itself.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { install, RUNTIMES, TYPESCRIPT_5, type Installed } from '../support/runtimes.ts';
import { root } from '../support/spec.ts';

const work = mkdtempSync(join(tmpdir(), 'ecpay-pack-'));
const esm = join(work, 'app-esm');
const cjs = join(work, 'app-cjs');
const tsc = join(root, 'node_modules/.bin/tsc');

/** Runs a command; resolves its stdout, rejects with its stderr and stdout in the message. */
const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}, timeout = 120_000) =>
  new Promise<string>((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${stderr}\n${stdout}`));
        else resolve(stdout);
      },
    );
  });
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], cwd);
const lastJson = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);

// Runtimes and TypeScript 5 install into their cache while the package builds (they take the longest the first time).
const tools = new Map<string, Promise<Installed>>([...RUNTIMES, TYPESCRIPT_5].map((t) => [t.name, install(t)]));
let files: string[] = [];
let installed: string[] = [];

beforeAll(async () => {
  await run(join(root, 'node_modules/.bin/tsx'), ['codegen/build-package.ts'], root);
  const [packed] = JSON.parse(
    await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root),
  );
  files = packed.files.map((f: { path: string }) => f.path);
  const tarball = join(work, packed.filename);
  await Promise.all(
    [
      [esm, 'module'],
      [cjs, 'commonjs'],
    ].map(async ([dir, type]) => {
      mkdirSync(dir!);
      writeFileSync(join(dir!, 'package.json'), JSON.stringify({ name: `app-${type}`, private: true, type }));
      await npm(['install', tarball], dir!);
      if (dir === esm) installed = readdirSync(join(esm, 'node_modules')).filter((d) => !d.startsWith('.'));
      // A Node project has @types/node; the declarations use Buffer and node:crypto types.
      await npm(['install', '--no-save', '@types/node@20'], dir!);
      // Prism (the mock's optional peer) and vitest come from this repository instead of 90 MB of downloads.
      mkdirSync(join(dir!, 'node_modules/@stoplight'), { recursive: true });
      symlinkSync(
        join(root, 'node_modules/@stoplight/prism-cli'),
        join(dir!, 'node_modules/@stoplight/prism-cli'),
        'dir',
      );
      symlinkSync(join(root, 'node_modules/vitest'), join(dir!, 'node_modules/vitest'), 'dir');
    }),
  );
  for (const dir of [esm, cjs])
    for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, name), text);
  cpSync(join(root, 'examples'), join(esm, 'examples'), { recursive: true });
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

// One call that succeeds and one that ECPay refuses, from each module system; the CommonJS script also starts a mock
// of its own (the CommonJS bundle's import.meta shim finds the spec and Prism), and says which file `require` loaded.
const sources: Record<string, string> = {
  'use.mjs': `
    import { createEinvoiceClient, STAGE_CREDENTIALS, EcpayBusinessError } from 'ecpay-einvoice';
    import { startMock } from 'ecpay-einvoice/mock';
    import setup from 'ecpay-einvoice/mock/vitest';
    const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: process.env.MOCK_URL } });
    const ok = await einvoice.b2c.triggerIssue({ Tsr: '201909170001', PayType: '2' });
    const failed = await einvoice.b2b.getInvalid({ InvoiceCategory: 0, RelateNumber: 'R1' }, { headers: { Prefer: 'example=businessFailure' } })
      .catch((e) => e instanceof EcpayBusinessError ? e.rtnCode : 'wrong error: ' + e);
    console.log(JSON.stringify({ ok, failed, startMock: typeof startMock, setup: typeof setup }));
  `,
  'use.cjs': `
    const { createEinvoiceClient, STAGE_CREDENTIALS, EcpayBusinessError } = require('ecpay-einvoice');
    const { startMock } = require('ecpay-einvoice/mock');
    const setup = require('ecpay-einvoice/mock/vitest').default;
    (async () => {
      const mock = await startMock({ port: 0 });
      try {
        const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: mock.url } });
        const ok = await einvoice.b2c.triggerIssue({ Tsr: '201909170001', PayType: '2' });
        const failed = await einvoice.b2b.getInvalid({ InvoiceCategory: 0, RelateNumber: 'R1' }, { headers: { Prefer: 'example=businessFailure' } })
          .catch((e) => e instanceof EcpayBusinessError ? e.rtnCode : 'wrong error: ' + e);
        console.log(JSON.stringify({ ok, failed, setup: typeof setup, loaded: require.resolve('ecpay-einvoice').split(/[\\\\/]/).pop() }));
      } finally {
        await mock.stop();
      }
    })().catch((e) => { console.error(e); process.exit(1); });
  `,
  // TypeScript: the types a user needs and none of hey-api's, exactOptionalPropertyTypes with process.env, and a run.
  'check.ts': `
    import { createEinvoiceClient, EcpayBusinessError, STAGE_CREDENTIALS, type B2cTriggerIssueResult, type EinvoiceClientConfig, type EinvoiceInterceptors } from 'ecpay-einvoice';
    import { startMock, type MockOptions, type RunningMock } from 'ecpay-einvoice/mock';
    // @ts-expect-error hey-api's request shapes are not part of the package's API
    import type { B2cTriggerIssueData } from 'ecpay-einvoice';

    // exactOptionalPropertyTypes: unset environment variables go in as they are, without casts.
    export const fromEnvironment: EinvoiceClientConfig = {
      merchantId: process.env.ECPAY_MERCHANT_ID,
      hashKey: process.env.ECPAY_HASH_KEY,
      hashIV: process.env.ECPAY_HASH_IV,
      platformId: process.env.ECPAY_PLATFORM_ID,
      timeoutMs: process.env.ECPAY_TIMEOUT_MS ? Number(process.env.ECPAY_TIMEOUT_MS) : undefined,
      retry: { maxRetries: process.env.ECPAY_RETRIES ? Number(process.env.ECPAY_RETRIES) : undefined },
    };
    export const mockOptions: MockOptions = { port: process.env.PORT ? Number(process.env.PORT) : undefined };
    export type Started = Promise<RunningMock>;
    export const start: (options?: MockOptions) => Started = startMock;

    export function typesOnly(einvoice: ReturnType<typeof createEinvoiceClient>) {
      // @ts-expect-error PayType is the fixed string '2'
      void einvoice.b2c.triggerIssue({ Tsr: 'T1', PayType: '1' });
    }

    async function main(): Promise<void> {
      const methods: string[] = [];
      const interceptors: EinvoiceInterceptors = { request: (request) => void methods.push(request.method) };
      const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: process.env.MOCK_URL ?? '' }, interceptors });
      const timeoutMs = process.env.ECPAY_TIMEOUT_MS ? Number(process.env.ECPAY_TIMEOUT_MS) : undefined;
      const ok: B2cTriggerIssueResult = await einvoice.b2c.triggerIssue({ Tsr: '201909170001', PayType: '2' }, { timeoutMs, rqId: undefined });
      const failed = await einvoice.b2b
        .getInvalid({ InvoiceCategory: 0, RelateNumber: 'R1' }, { headers: { Prefer: 'example=businessFailure' } })
        .catch((e: unknown) => (e instanceof EcpayBusinessError ? e.rtnCode : 'wrong error'));
      console.log(JSON.stringify({ ok, failed, methods }));
    }
    main().catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
  `,
};

const expected = { ok: { RtnCode: 4000004, RtnMsg: '', Tsr: '201909170001' }, failed: 1600003 };
// skipLibCheck is off where it checks one of the two declaration trees (.d.ts, .d.cts); elsewhere it would only
// check @types/node again, three times slower.
const strict = { strict: true, target: 'ES2022', skipLibCheck: true, types: ['node'] };
const tsconfig = (dir: string, name: string, compilerOptions: Record<string, unknown>, include = ['check.ts']) => {
  writeFileSync(join(dir, name), JSON.stringify({ compilerOptions: { ...strict, ...compilerOptions }, include }));
  return name;
};

describe.concurrent('npm pack', () => {
  it('ships both bundles of each entry, their types for import and require, the wire spec, LICENSE and CHANGELOG; no sources or tests', () => {
    for (const f of [
      'dist/index.js',
      'dist/index.cjs',
      'dist/mock.js',
      'dist/mock.cjs',
      'dist/mock-vitest.js',
      'dist/mock-vitest.cjs',
      'dist/mock-cli.js',
      'dist/types/src/index.d.ts',
      'dist/types/src/index.d.cts',
      'dist/types/src/mock.d.cts',
      'dist/types/src/mock-vitest.d.ts',
      'spec/views/wire.yaml',
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
    ]) {
      expect(files).toContain(f);
    }
    expect(
      files.filter(
        (f) =>
          f.startsWith('test/') || f.startsWith('codegen/') || f.startsWith('examples/') || /(?<!\.d)\.c?ts$/.test(f),
      ),
    ).toEqual([]);
  });

  it('installs with no runtime dependency', () => {
    expect(installed).toEqual(['ecpay-einvoice']);
  });

  it('installs beside a newer Prism 5 (the optional peer is a range, not a pin)', async (context) => {
    const beside = join(work, 'newer-prism');
    mkdirSync(beside);
    writeFileSync(join(beside, 'package.json'), '{"private":true}');
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const out = await npm(['install', '--dry-run', join(work, tarball), '@stoplight/prism-cli@5.16.0'], beside).catch(
      (e: Error) => e,
    );
    if (out instanceof Error) {
      if (/ERESOLVE/.test(out.message)) throw out;
      console.warn(`skipped the peer range check: ${out.message.split('\n')[0]}`);
      return context.skip('npm could not reach the registry');
    }
  });
});

describe.concurrent('JavaScript', () => {
  it('calls an operation against the mock with import (ES modules)', async () => {
    expect(lastJson(await run(process.execPath, ['use.mjs'], esm, { MOCK_URL: inject('mockUrl') }))).toEqual({
      ...expected,
      startMock: 'function',
      setup: 'function',
    });
  });

  it('calls an operation against a mock it starts itself with require (CommonJS), loading the CommonJS bundle', async () => {
    expect(lastJson(await run(process.execPath, ['use.cjs'], cjs))).toEqual({
      ...expected,
      setup: 'function',
      loaded: 'index.cjs',
    });
  });

  it('says how to get Prism when the mock helper is used without it', async () => {
    // A copy of the installed package where no node_modules above it has Prism.
    const app = join(work, 'no-prism');
    cpSync(join(esm, 'node_modules/ecpay-einvoice'), join(app, 'node_modules/ecpay-einvoice'), { recursive: true });
    writeFileSync(join(app, 'package.json'), '{"private":true,"type":"module"}');
    writeFileSync(
      join(app, 'mock.mjs'),
      `
      import { startMock } from 'ecpay-einvoice/mock';
      await startMock({ port: 0 }).then(() => console.log('started?'), (e) => console.log(e.code, e.message));
    `,
    );
    const out = await run(process.execPath, ['mock.mjs'], app);
    expect(out).toContain(
      'PRISM_MISSING The mock needs @stoplight/prism-cli: npm install --save-dev @stoplight/prism-cli@5.14.2',
    );
  });
});

describe.concurrent('TypeScript (strict)', () => {
  it('moduleResolution bundler, exactOptionalPropertyTypes, skipLibCheck off: type-checks, compiles and runs', async () => {
    const config = tsconfig(esm, 'tsconfig.bundler.json', {
      module: 'esnext',
      moduleResolution: 'bundler',
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      outDir: 'out-bundler',
    });
    await run(tsc, ['-p', config], esm);
    expect(
      lastJson(await run(process.execPath, ['out-bundler/check.js'], esm, { MOCK_URL: inject('mockUrl') })),
    ).toEqual({ ...expected, methods: ['POST', 'POST'] });
  });

  it('module commonjs: compiles to require() and runs on the CommonJS bundle', async () => {
    const config = tsconfig(cjs, 'tsconfig.commonjs.json', {
      module: 'commonjs',
      esModuleInterop: true,
      outDir: 'out-commonjs',
    });
    await run(tsc, ['-p', config], cjs);
    expect(
      lastJson(await run(process.execPath, ['out-commonjs/check.js'], cjs, { MOCK_URL: inject('mockUrl') })),
    ).toEqual({ ...expected, methods: ['POST', 'POST'] });
  });

  it.each([
    ['node16, an ES module project (import: the .d.ts types)', esm, { module: 'node16', moduleResolution: 'node16' }],
    [
      'node16, a CommonJS project (require: the .d.cts types; skipLibCheck off)',
      cjs,
      { module: 'node16', moduleResolution: 'node16', skipLibCheck: false },
    ],
    ['nodenext, a CommonJS project', cjs, { module: 'nodenext', moduleResolution: 'nodenext' }],
    [
      'node10 (main, types and typesVersions for the subpaths; skipLibCheck off)',
      cjs,
      { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0', skipLibCheck: false },
    ],
  ])('moduleResolution %s: type-checks', async (_name, dir, options) => {
    const config = tsconfig(dir, `tsconfig.${options.moduleResolution as string}-${dir === esm ? 'esm' : 'cjs'}.json`, {
      ...options,
      noEmit: true,
    });
    await run(tsc, ['-p', config], dir);
  });

  it.for<[string, Record<string, string>]>([
    ['module commonjs (node10 resolution, its default)', { module: 'commonjs' }],
    ['node16, a CommonJS project', { module: 'node16', moduleResolution: 'node16' }],
  ])('TypeScript 5, %s: type-checks', async ([, options], context) => {
    const ts5 = await tools.get(TYPESCRIPT_5.name)!;
    if ('skipped' in ts5) {
      console.warn(`skipped TypeScript 5: ${ts5.skipped}`);
      return context.skip(ts5.skipped);
    }
    const config = tsconfig(cjs, `tsconfig.ts5-${options.module}.json`, { ...options, noEmit: true });
    await run(ts5.bin, ['-p', config], cjs);
  });
});

describe.concurrent('the examples, against the packed package', () => {
  const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

  it('type-check under moduleResolution bundler', async () => {
    const config = tsconfig(
      esm,
      'tsconfig.examples.json',
      { module: 'esnext', moduleResolution: 'bundler', noEmit: true, skipLibCheck: true },
      ['examples'],
    );
    await run(tsc, ['-p', config], esm);
  });

  it('issue-and-void.ts issues and voids an invoice on a mock it starts', async () => {
    const out = await run(process.execPath, ['--import', tsx, 'examples/issue-and-void.ts'], esm);
    expect(out).toMatch(/^issued [A-Z]{2}\d{8} on .+\nvoided [A-Z]{2}\d{8}\n$/);
  });

  it('check-carrier.ts checks a carrier and a donation code', async () => {
    const out = await run(process.execPath, ['--import', tsx, 'examples/check-carrier.ts'], esm);
    expect(out).toMatch(/^carrier \/6G\+X3LQ: exists\nlove code 168001: exists/);
  });

  it('vitest/ runs a suite against the mock from the ready-made global setup', async () => {
    const out = await run(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        'examples/vitest/vitest.config.ts',
        '--root',
        esm,
        'examples/vitest',
      ],
      esm,
      { NO_COLOR: '1' },
    );
    expect(out).toMatch(/Tests\s+2 passed/);
  });
});

describe.concurrent.each(RUNTIMES)('$name, from its npm package', (runtime) => {
  const command = (script: string) => (runtime.bin === 'deno' ? ['run', '-A', script] : [script]);

  it('imports and requires the package and calls the mock', async (context) => {
    const tool = await tools.get(runtime.name)!;
    if ('skipped' in tool) {
      console.warn(`skipped ${runtime.name}: ${tool.skipped}`);
      return context.skip(tool.skipped);
    }
    // PATH keeps this machine's node: under Bun and Deno the mock runs Prism on it.
    const [imported, required] = await Promise.all([
      run(tool.bin, command('use.mjs'), esm, { MOCK_URL: inject('mockUrl') }),
      run(tool.bin, command('use.cjs'), esm),
    ]);
    expect(lastJson(imported)).toEqual({ ...expected, startMock: 'function', setup: 'function' });
    expect(lastJson(required)).toMatchObject({ ...expected, setup: 'function' });
    if (runtime.pkg === 'node') expect(lastJson(required).loaded).toBe('index.cjs');
  }, 180_000);
});
