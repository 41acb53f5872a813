// `make generate`: @hey-api/openapi-ts on the plaintext view -> generated/hey-api/, then the ts-morph registry ->
// generated/operations.gen.ts. generated/ is never edited by hand; `make check-generated` reruns this and diffs.
import { $, createClient } from '@hey-api/openapi-ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project } from 'ts-morph';
import { parse } from 'yaml';
import { renderRegistry } from './registry.ts';

function bodyOnlyRequestValidator(ctx: any) {
  const body = ctx.plugin.querySymbol({ category: 'schema', resource: 'operation', resourceId: ctx.operation.id, role: 'request-body', tool: 'zod' });
  if (!body) return undefined;
  // The SDK types the validator's argument as unknown; it is the request options, whose body is what we check.
  const options = $('data').as($.type('{ body?: unknown }'));
  return $(body).attr('parseAsync').call($(options).attr('body')).await().return();
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function generate(specDir = join(root, 'spec'), outDir = join(root, 'generated')): Promise<void> {
  const heyApiDir = join(outDir, 'hey-api');
  await createClient({
    input: join(specDir, 'views/plaintext.yaml'),
    output: { path: heyApiDir, importFileExtension: '.ts' },
    logs: { level: 'silent' },
    plugins: [
      '@hey-api/client-fetch',
      '@hey-api/typescript',
      // zod/mini: the same checks at a fraction of the bundle size (the one-operation bundle target).
      {
        name: 'zod',
        compatibilityVersion: 'mini',
        // Validate the body with its exported schema. The default wraps it per call in a fresh
        // z.object({ body, path: z.never(), query: z.never() }), which cost ~35 µs of every call.
        '~resolvers': { validator: { request: bodyOnlyRequestValidator } },
      },
      // The SDK validates the plaintext request before sending and the plaintext response after decryption.
      { name: '@hey-api/sdk', validator: { request: 'zod', response: 'zod' } },
    ],
  } as Parameters<typeof createClient>[0]);

  const project = new Project({ skipAddingFilesFromTsConfig: true });
  const exported = (file: string) => [...project.addSourceFileAtPath(join(heyApiDir, file)).getExportedDeclarations().keys()];
  const unified = parse(readFileSync(join(specDir, 'openapi.yaml'), 'utf8'));
  const registry = renderRegistry(unified, { sdk: exported('sdk.gen.ts'), types: exported('types.gen.ts') });
  writeFileSync(join(outDir, 'operations.gen.ts'), registry);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await generate();
  console.log('generated/ is up to date with spec/');
}
