// `make check-generated`: regenerates the spec, generated/ and the README's operation table into a temporary
// folder and compares them with the working tree, which it never touches, so it can run before a commit.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { generate, root } from './client/generate.ts';
import { renderSpec } from './spec/build.ts';

const files = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => relative(dir, join(d.parentPath, d.name)))
    : [];

const tmp = mkdtempSync(join(tmpdir(), 'ecpay-generate-'));
try {
  const specDir = join(root, 'spec');
  const drift: string[] = [];
  const spec = renderSpec(specDir);
  for (const [name, text] of Object.entries(spec)) {
    mkdirSync(dirname(join(tmp, 'spec', name)), { recursive: true });
    writeFileSync(join(tmp, 'spec', name), text);
    if (!existsSync(join(specDir, name)) || readFileSync(join(specDir, name), 'utf8') !== text)
      drift.push(`spec/${name}`);
  }
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  if ((await generate(join(tmp, 'spec'), join(tmp, 'generated'), readme)) !== readme)
    drift.push('README.md (operation table)');
  const fresh = files(join(tmp, 'generated'));
  const committed = files(join(root, 'generated'));
  for (const name of new Set([...fresh, ...committed])) {
    const a = join(tmp, 'generated', name);
    const b = join(root, 'generated', name);
    if (!existsSync(a) || !existsSync(b) || readFileSync(a, 'utf8') !== readFileSync(b, 'utf8'))
      drift.push(`generated/${name}`);
  }
  if (drift.length) {
    console.error(
      `out of sync with the spec sources:\n  ${drift.sort().join('\n  ')}\nrun 'make generate' and commit the result`,
    );
    process.exitCode = 1;
  } else console.log('spec/, generated/ and the README table match the spec sources');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
