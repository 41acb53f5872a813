// The committed unified spec, parsed, with helpers to reach an operation's schemas and examples.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { dataSchemaName, mediaOf } from '../../codegen/spec/doc.ts';
import { operations } from '../../generated/operations.gen.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const unified = parse(readFileSync(join(root, 'spec/openapi.yaml'), 'utf8'));

export function operation(path: string) {
  const op = unified.paths[path].post;
  const req = mediaOf(op, 'request');
  const res = mediaOf(op, 'response');
  const requestExamples = req.examples as Record<string, any>;
  return {
    op,
    payload: unified.components.schemas[dataSchemaName(req)],
    result: unified.components.schemas[dataSchemaName(res)],
    requestExamples,
    responseExamples: res.examples as Record<string, any>,
    /** A request example as a caller writes it (MerchantID is the client's), as a fresh copy; the first by default. */
    examplePayload(name?: string): Record<string, any> {
      const example = name ? requestExamples[name] : Object.values(requestExamples)[0];
      const { MerchantID: _m, ...payload } = structuredClone(example['x-ecpay-data']);
      return payload;
    },
  };
}

export const paths = Object.keys(unified.paths);

/** The facade function of the operation at `path`: einvoice.<product>.<method>, found through the registry. */
export function facadeFor(client: object, path: string): any {
  const spec = Object.values(operations).find((o) => o.path === path);
  if (!spec) throw new Error(`no operation for ${path} in the registry`);
  return (client as Record<string, Record<string, unknown>>)[spec.product.toLowerCase()]![spec.method];
}
