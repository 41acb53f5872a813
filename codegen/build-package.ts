// `make build`: the installable package. JavaScript is one esbuild bundle per entry and format (one file to load is
// the fastest cold start, and nothing to install beside it): ES modules (.js) for `import`, CommonJS (.cjs) for
// `require` on Node 20.17/20.18, which cannot require an ES module. Types come from tsc, twice: .d.ts for import and
// .d.cts for require, so TypeScript sees the right module format under node16/nodenext, bundler and node10.
import { build, type BuildOptions } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const types = join(root, 'dist/types');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

// tsc keeps the sources' `.ts` specifiers in declarations; point them at the declaration twins of each format.
const SPECIFIER = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+?)\.ts\2/g;
for (const entry of readdirSync(types, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(SPECIFIER, '$1$2$3.js$2'));
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), text.replace(SPECIFIER, '$1$2$3.cjs$2'));
}

const common: BuildOptions = {
  absWorkingDir: root,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Prism stays the user's own (an optional peer); everything else is inlined and tree-shaken.
  external: ['@stoplight/prism-cli'],
  legalComments: 'linked',
  logLevel: 'warning',
};
const library = { index: 'src/index.ts', mock: 'src/mock.ts', 'mock-vitest': 'src/mock-vitest.ts' };
await Promise.all([
  build({ ...common, entryPoints: { ...library, 'mock-cli': 'src/mock-cli.ts' }, format: 'esm' }),
  build({
    ...common,
    entryPoints: library,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    // CommonJS has no import.meta: the mock finds its spec and Prism from this file's own URL.
    define: { 'import.meta.url': '__import_meta_url' },
    banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  }),
]);
console.log(
  'dist/: index, mock, mock-vitest as .js (ESM) and .cjs (CommonJS) bundles, mock-cli.js, types/ (.d.ts and .d.cts)',
);
