// `make bench`: one table, every figure beside its baseline from the same run, and the machine it ran on.
// Figures are printed, never asserted: the machines are shared and noisy, so nothing here can fail CI.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { STAGE_CREDENTIALS } from '../../src/client.ts';
import { install, RUNTIMES } from '../support/runtimes.ts';
import { large, medium, small, statusPayload } from './payloads.ts';
import { root } from '../support/spec.ts';

const rows: string[][] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map(String));
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function codec() {
  // The codec as shipped: bundled by esbuild like the package, not transformed on the fly by a TypeScript loader.
  const outfile = join(root, '.tmp/bench-codec.mjs');
  await build({
    entryPoints: [join(root, 'src/codec.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning',
  });
  const { aesDecrypt, aesEncrypt, createAesKey, decryptData, encryptData } = (await import(
    outfile
  )) as typeof import('../../src/codec.ts');
  const aes = createAesKey(STAGE_CREDENTIALS.hashKey, STAGE_CREDENTIALS.hashIV);
  for (const [label, json] of [
    ['~200 B', small],
    ['~2 KB', medium],
    ['~200 KB', large],
  ] as const) {
    const bytes = Buffer.from(json);
    const sealed = encryptData(aes, json);
    const sides = {
      codec: () => decryptData(aes, encryptData(aes, json)),
      bare: () => aesDecrypt(aes, aesEncrypt(aes, bytes)),
    };
    // Paired rounds: n calls of the codec, then n of bare AES, timed by the wall clock (so each side's garbage
    // collection pauses count: the codec allocates about three times the bytes); the ratio of each pair, so that a
    // burst of noise on this shared machine, which lasts longer than a pair, hits both sides alike; medians.
    const probe = performance.now();
    for (let i = 0; i < 10; i += 1) sides.codec();
    const n = Math.max(4, Math.round(20 / ((performance.now() - probe) / 10)));
    const codecUs: number[] = [];
    const bareUs: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < 28; round += 1) {
      const perCall = (call: () => unknown) => {
        const start = performance.now();
        for (let i = 0; i < n; i += 1) call();
        return ((performance.now() - start) * 1_000) / n;
      };
      const c = perCall(sides.codec);
      const b = perCall(sides.bare);
      if (round < 3) continue; // warm-up
      codecUs.push(c);
      bareUs.push(b);
      ratios.push(c / b);
    }
    const mbs = (us: number) => bytes.length / us;
    row(
      `codec ${label} (${bytes.length} B, ${sealed.length} B sealed)`,
      `${fmt(median(codecUs))} µs, ${fmt(mbs(median(codecUs)))} MB/s`,
      `bare AES-128-CBC both ways: ${fmt(median(bareUs))} µs, ${fmt(mbs(median(bareUs)))} MB/s`,
      `${fmt(median(ratios), 2)}x`,
    );
  }
}

/** Requests per second of `call` with `concurrency` callers looping for `ms`. */
async function throughput(call: () => Promise<unknown>, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        done += 1;
      }
    }),
  );
  return done / (ms / 1_000);
}

async function endToEnd() {
  const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/bench/server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    server.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()).port)),
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    // The package as users run it: the built bundle, not the sources through a TypeScript loader.
    const { createEinvoiceClient } = (await import(join(root, 'dist/index.js'))) as typeof import('../../src/index.ts');
    const einvoice = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: base } });
    const envelope = JSON.stringify({ MerchantID: '2000132', RqHeader: { Timestamp: 1 }, Data: 'x' });
    const raw = () =>
      fetch(`${base}/raw`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: envelope }).then(
        (r) => r.json(),
      );
    const client = () => einvoice.b2c.updateInvoiceWordStatus(statusPayload);
    await throughput(raw, 16, 700);
    await throughput(client, 16, 700);
    for (const concurrency of [1, 16]) {
      // Interleaved rounds, so a burst of noise on this shared machine hits both sides alike.
      const r: number[] = [];
      const c: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        r.push(await throughput(raw, concurrency, 1_500));
        c.push(await throughput(client, concurrency, 1_500));
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      row(
        `client end to end, concurrency ${concurrency}`,
        `${fmt(mean(c), 0)} req/s`,
        `raw fetch of a fixed JSON: ${fmt(mean(r), 0)} req/s`,
        `${fmt(mean(c) / mean(r), 2)}x`,
      );
    }
    // Diagnostic: the same client against a server that answers a fixed pre-encrypted envelope, to separate the
    // client's own cost from the server's per-request crypto (both processes share this machine's cores).
    const fixedClient = createEinvoiceClient({ ...STAGE_CREDENTIALS, environment: { baseUrl: `${base}/fixed` } });
    const fixed = () => fixedClient.b2c.updateInvoiceWordStatus(statusPayload);
    const r16 = await throughput(raw, 16, 1_500);
    const f16 = await throughput(fixed, 16, 1_500);
    row(
      'diagnostic: client, server answers a fixed envelope, c16',
      `${fmt(f16, 0)} req/s`,
      `raw fetch of a fixed JSON: ${fmt(r16, 0)} req/s`,
      `${fmt(f16 / r16, 2)}x`,
    );
  } finally {
    server.kill();
  }
}

/**
 * Client CPU per call against the hand-written floor, under the machine's Node and under Node 22 and 24 from the
 * package test's runtime cache (installed there on first use, as `make test` does; skipped when that fails).
 */
async function perCall() {
  const script = join(root, 'test/bench/percall.ts');
  const runtimes: [string, string | undefined, string?][] = [
    [`Node ${process.version} (this machine)`, process.execPath],
  ];
  for (const tool of RUNTIMES.filter((r) => r.pkg === 'node' && r.version !== '20.17.0')) {
    const installed = await install(tool);
    runtimes.push([
      'bin' in installed ? `Node ${tool.version}` : tool.name,
      'bin' in installed ? installed.bin : undefined,
      'skipped' in installed ? installed.skipped : undefined,
    ]);
  }
  for (const [label, node, skipped] of runtimes) {
    if (!node) {
      row(`client CPU per call, ${label}`, 'not measured', skipped ?? '', '');
      continue;
    }
    const out = execFileSync(node, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as Record<
      'client' | 'hand' | 'heyApi' | 'ratio' | 'heyApiRatio',
      number
    >;
    row(
      `client CPU per call, instant transport, ${label}`,
      `${fmt(r.client)} µs`,
      `hand-written envelope client: ${fmt(r.hand)} µs`,
      `${fmt(r.ratio, 2)}x`,
    );
    row(
      `diagnostic: the generated operation over hey-api alone, ${label}`,
      `${fmt(r.heyApi)} µs`,
      `hand-written envelope client: ${fmt(r.hand)} µs`,
      `${fmt(r.heyApiRatio, 2)}x`,
    );
  }
}

function coldStart() {
  const dir = mkdtempSync(join(tmpdir(), 'ecpay-cold-'));
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, '');
  const entry = join(root, 'dist/index.js');
  const measure = (code: string) =>
    Number(
      execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const t = performance.now(); ${code}; console.log(performance.now() - t);`],
        { encoding: 'utf8' },
      ),
    );
  const samples: Record<'baseline' | 'client' | 'core', number[]> = { baseline: [], client: [], core: [] };
  for (let i = 0; i < 15; i += 1) {
    samples.baseline.push(measure(`await import(${JSON.stringify(empty)})`));
    samples.client.push(measure(`const m = await import(${JSON.stringify(entry)}); m.createEinvoiceClient()`));
    samples.core.push(measure(`const m = await import(${JSON.stringify(entry)}); m.createEinvoiceCore()`));
  }
  rmSync(dir, { recursive: true, force: true });
  const base = median(samples.baseline);
  for (const [label, key] of [
    ['cold start: import the package + createEinvoiceClient() (all operations)', 'client'],
    ['cold start: import the package + createEinvoiceCore()', 'core'],
  ] as const) {
    row(
      label,
      `${fmt(median(samples[key]))} ms`,
      `import of an empty module: ${fmt(base)} ms`,
      `+${fmt(median(samples[key]) - base)} ms`,
    );
  }
}

async function bundle() {
  // What an application ships: one operation through the core (the budget's case: the whole API is in the package,
  // the bundler keeps what is called), and the whole facade.
  const apps: [string, string][] = [
    [
      'bundle: one operation (core + b2cIssue), esbuild --minify, gzip -9',
      "import { createEinvoiceCore, b2cIssue } from './src/index.ts';\nconst e = createEinvoiceCore();\nconsole.log(await e.call(b2cIssue, {} as never));\n",
    ],
    [
      'bundle: one query (core + b2cGetIssue), same',
      "import { createEinvoiceCore, b2cGetIssue } from './src/index.ts';\nconst e = createEinvoiceCore();\nconsole.log(await e.call(b2cGetIssue, {} as never));\n",
    ],
    [
      'bundle: the whole facade (createEinvoiceClient), same',
      "import { createEinvoiceClient } from './src/index.ts';\nconst e = createEinvoiceClient();\nconsole.log(await e.b2c.triggerIssue({ Tsr: 'T1', PayType: '2' }));\n",
    ],
  ];
  for (const [label, contents] of apps) {
    const result = await build({
      stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      metafile: true,
      write: false,
    });
    const output = result.outputFiles[0]!.contents;
    const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
    const groups: Record<string, number> = { 'hand-written (src/)': 0, 'generated (generated/)': 0, other: 0 };
    for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
      const key = path.startsWith('src/')
        ? 'hand-written (src/)'
        : path.startsWith('generated/')
          ? 'generated (generated/)'
          : 'other';
      groups[key]! += bytesInOutput;
    }
    const gz = gzipSync(output, { level: 9 }).length;
    const parts = Object.entries(groups)
      .filter(([, b]) => b > 0)
      .map(([k, b]) => `${k} ${fmt(b / 1024)} KB`)
      .join(', ');
    row(
      label,
      `${fmt(gz / 1024)} KB gzipped (${fmt(output.length / 1024)} KB minified)`,
      `minified by origin: ${parts}`,
      `${fmt((gz / 1024 / 20) * 100, 0)}% of the 20 KB budget`,
    );
  }
}

function soak() {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'test/bench/soak.ts')], {
    cwd: root,
    encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as {
    seconds: number;
    calls: number;
    before: number;
    after: number;
    listeners: number;
    handlesBefore: number;
    handlesAfter: number;
  };
  const mb = (b: number) => `${fmt(b / 1024 / 1024)} MB`;
  row(
    `memory: ${r.seconds} s of load on loopback (${r.calls} calls, one shared AbortSignal)`,
    `heap after GC ${mb(r.after)}`,
    `heap after GC at the start: ${mb(r.before)}; abort listeners left ${r.listeners}; handles ${r.handlesBefore} -> ${r.handlesAfter}`,
    `${r.after >= r.before ? '+' : ''}${mb(r.after - r.before)}`,
  );
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`machine: ${cpu}, ${cpus().length} cores, Node ${process.version}, ${process.platform}/${process.arch}\n`);
execFileSync('node_modules/.bin/tsx', ['codegen/build-package.ts'], { cwd: root });
// BENCH_ONLY=codec,perCall runs some of the sections (while working on one); the README's table comes from all.
const sections = { codec, perCall, endToEnd, coldStart, bundle, soak };
const only = process.env.BENCH_ONLY?.split(',');
for (const [name, section] of Object.entries(sections)) if (!only || only.includes(name)) await section();

const widths = [0, 1, 2, 3].map((i) =>
  Math.max(...rows.map((r) => r[i]!.length), ['measure', 'figure', 'baseline (same run)', 'ratio'][i]!.length),
);
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(['measure', 'figure', 'baseline (same run)', 'ratio']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
