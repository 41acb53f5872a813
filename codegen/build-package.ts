// `make build`: the installable package. JavaScript is one esbuild bundle per entry (one file to load is the
// fastest cold start, and nothing to install beside it); types come from tsc.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
await build({
  entryPoints: { index: 'src/index.ts', mock: 'src/mock.ts', 'mock-cli': 'src/mock-cli.ts' },
  absWorkingDir: root,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Prism stays the user's own (an optional peer); everything else is inlined and tree-shaken.
  external: ['@stoplight/prism-cli'],
  legalComments: 'linked',
  logLevel: 'warning',
});
console.log('dist/: index.js, mock.js, mock-cli.js (bundles) and types/ (declarations)');
