// The normaliser on the real sources: deterministic, in sync with the committed files, names that cannot collide,
// wire examples that decrypt to the plaintext examples, loud failures, and a sixth operation without code changes.
import { createDecipheriv } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSpec } from '../../codegen/spec/build.ts';
import { operationFacts, renderIndex, renderOperation } from '../../codegen/client/registry.ts';
import { callbackForms, mediaOf } from '../../codegen/spec/doc.ts';
import { root, unified } from '../support/spec.ts';

const specDir = join(root, 'spec');
const tmp = mkdtempSync(join(tmpdir(), 'ecpay-spec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The vectors' algorithm, written here independently of src/codec.ts: Base64 -> AES-128-CBC -> PHP urldecode.
function decrypt(data: string, key: string, iv: string): string {
  const d = createDecipheriv('aes-128-cbc', Buffer.from(key), Buffer.from(iv));
  const urlencoded = Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8');
  return decodeURIComponent(urlencoded.replace(/\+/g, ' '));
}

describe('make spec', () => {
  it('is deterministic and matches the committed files', () => {
    const first = renderSpec(specDir);
    const second = renderSpec(specDir);
    expect(second).toEqual(first);
    for (const [name, text] of Object.entries(first))
      expect(readFileSync(join(specDir, name), 'utf8'), name).toBe(text);
  });

  it('gives every operation a product-prefixed operationId, a tag and both servers', () => {
    expect(unified.servers.map((s: any) => s.url)).toEqual([
      'https://einvoice-stage.ecpay.com.tw',
      'https://einvoice.ecpay.com.tw',
    ]);
    const ids = Object.values<any>(unified.paths).map((p) => p.post.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(Object.keys(unified.paths).length);
    for (const item of Object.values<any>(unified.paths))
      expect(item.post.operationId.slice(0, 3).toUpperCase()).toBe(item.post.tags[0]);
  });

  it('keeps one set of envelope components that every operation points at', () => {
    for (const item of Object.values<any>(unified.paths)) {
      expect(item.post.requestBody.content['application/json'].schema.$ref).toBe(
        '#/components/schemas/EcpayRequestEnvelope',
      );
      expect(item.post.responses['200'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/EcpayResponseEnvelope',
      );
    }
    const header = unified.components.schemas.EcpayRequestHeader;
    expect(header.properties.Timestamp.type).toBe('integer');
    expect(Object.keys(header.properties)).toEqual(['Timestamp', 'Revision', 'RqID']);
  });
});

describe('schema names never collide', () => {
  const names = Object.keys(unified.components.schemas);
  it('are unique even ignoring case (the generator re-cases them)', () => {
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
  });
  it('avoid the suffixes the generator uses for operation types', () => {
    for (const n of names) expect(n).not.toMatch(/(Data|Response|Responses|Errors?)$/);
  });
  it('come out of the generator unrenamed (no XxxResponse2)', () => {
    const types = readFileSync(join(root, 'generated/hey-api/types.gen.ts'), 'utf8');
    expect(types).not.toMatch(/export type \w+2 =/);
    for (const n of names.filter((x) => x.startsWith('B2')))
      expect(types.toLowerCase()).toContain(`export type ${n.toLowerCase()} =`);
  });
});

describe('wire examples', () => {
  const wire = parse(readFileSync(join(specDir, 'views/wire.yaml'), 'utf8'));
  const { HashKey, HashIV } = unified['x-ecpay-example-credentials'];
  const cases = Object.keys(unified.paths).flatMap((path) =>
    (['request', 'response'] as const).flatMap((side) => {
      const media = (doc: any): any => mediaOf(doc.paths[path].post, side);
      return (
        Object.entries<any>(media(wire).examples)
          .filter(([, ex]) => ex.value.Data !== '')
          // The plaintext each example carries in the unified spec (the plaintext view shows requests as sent).
          .map(
            ([name, ex]) =>
              [`${path} ${side} ${name}`, ex.value.Data, media(unified).examples[name]['x-ecpay-data']] as const,
          )
      );
    }),
  );

  it('cover a request and three responses per operation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5 * 3);
  });

  it.each(cases)('%s decrypts to the plaintext example', (_, data, plaintext) => {
    expect(JSON.parse(decrypt(data, HashKey, HashIV))).toEqual(plaintext);
  });

  it('hold no plaintext and no link to it', () => {
    const keys = (v: unknown): string[] =>
      v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : [];
    expect(keys(wire)).not.toContain('x-ecpay-data');
    expect(JSON.stringify(wire)).not.toContain('Payload');
    // The envelopes, and the callback forms ECPay sends in the clear.
    const forms = Object.values<any>(unified.paths).flatMap((p) => callbackForms(p.post).map((f) => f.schemaName));
    expect(Object.keys(wire.components.schemas).sort()).toEqual(
      ['EcpayRequestEnvelope', 'EcpayRequestHeader', 'EcpayResponseEnvelope', 'EcpayResponseHeader', ...forms].sort(),
    );
  });
});

/** A copy of spec/ in a temporary folder with one file edited. */
function variant(name: string, file: string, edit: (text: string) => string) {
  const dir = join(tmp, name);
  cpSync(specDir, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

describe('sources are checked before merging', () => {
  it('refuses an enrichment field that is not on the page unless its type is given', () => {
    const dir = variant('typo', 'operations/b2c-trigger-issue/enrich.yaml', (text) =>
      text.replace('      Tsr:\n        minLength: 1', '      Tsrr:\n        minLength: 1'),
    );
    expect(() => renderSpec(dir)).toThrow('request.schema.Tsrr is not on the page');
  });

  it('refuses a vendor envelope field the shared envelope lacks', () => {
    const dir = variant('envelope', 'operations/b2c-trigger-issue/page.yaml', (text) =>
      text.replace(
        '                RqHeader:\n',
        '                Signature:\n                  type: string\n                RqHeader:\n',
      ),
    );
    expect(() => renderSpec(dir)).toThrow("page.yaml's request envelope has Signature");
  });
});

describe('the normaliser refuses what the client would not enforce', () => {
  const wordSetting = 'operations/b2b-get-invoice-word-setting/enrich.yaml';

  it.each([
    // The bug that slipped through before: a comma in a flow map made a second key out of half a description.
    [
      'a flow map that splits a description into a bogus key',
      wordSetting,
      (t: string) =>
        t.replace(
          '            InvType:\n              maxLength: 2\n              description: 07 = general tax, 08 = special tax.',
          '            InvType: {maxLength: 2, description: 07 = general tax, 08 = special tax}',
        ),
      '"08 = special tax", which is not a keyword the client enforces',
    ],
    [
      'a keyword the runtime does not check',
      wordSetting,
      (t: string) =>
        t.replace(
          '        maxLength: 3\n        format: roc-year',
          '        maxLength: 3\n        format: roc-year\n        multipleOf: 3',
        ),
      '"multipleOf", which is not a keyword',
    ],
    [
      'an unknown format',
      wordSetting,
      (t: string) => t.replace('format: roc-year', 'format: gregorian-year'),
      'has format gregorian-year',
    ],
    [
      'a condition on a field that does not exist',
      'operations/b2b-get-invalid/enrich.yaml',
      (t: string) =>
        t.replace(
          '    dependentRequired:',
          '    if: {properties: {InvoiceKind: {const: 1}}}\n    then: {required: [RelateNumber]}\n    dependentRequired:',
        ),
      'speaks of InvoiceKind',
    ],
    [
      'a request example that breaks the spec',
      wordSetting,
      (t: string) => t.replace("InvoiceYear: '115'", "InvoiceYear: '2026'"),
      'request example sdk breaks the spec: InvoiceYear',
    ],
    [
      'a success example that is not a success',
      wordSetting,
      (t: string) => t.replace('            InvoiceCategory: 2', '            InvoiceCategory: B2B'),
      'response example success breaks the spec: InvoiceInfo[0].InvoiceCategory: must be an integer',
    ],
    [
      'a key written twice',
      wordSetting,
      (t: string) => t.replace('successCodes: [1]', 'successCodes: [1]\nsuccessCodes: [2]'),
      'Map keys must be unique',
    ],
    [
      'an unknown top-level key',
      wordSetting,
      (t: string) => t.replace('successCodes: [1]', 'successCodes: [1]\nsuccesCodes: [2]'),
      'enrich.yaml has succesCodes',
    ],
    [
      'a missing businessFailure example',
      wordSetting,
      (t: string) => t.replace('    businessFailure:', '    otherFailure:'),
      'needs a response example named "businessFailure"',
    ],
  ])('refuses %s', (_, file, edit, message) => {
    const dir = variant(`refuse-${file.length}-${String(message).length}`, file, edit);
    expect(() => renderSpec(dir)).toThrow(message);
  });
});

describe('a new operation is only source files', () => {
  it('appears in the unified spec, both views and the typed facade after make spec, with no page.yaml', () => {
    const dir = join(tmp, 'sixth');
    cpSync(specDir, dir, { recursive: true });
    const op = join(dir, 'operations/b2c-check-love-code-example');
    mkdirSync(op);
    writeFileSync(
      join(op, 'enrich.yaml'),
      [
        'source: [a test operation]',
        'path: /B2CInvoice/CheckLoveCodeExample',
        'operationId: b2cCheckLoveCodeExample',
        'product: B2C',
        'summary: Check a love code (a test copy)',
        'description: Says whether a love code exists.',
        'successCodes: [1]',
        'retry: {safe: true, reason: A query.}',
        'request:',
        '  name: B2CCheckLoveCodeExamplePayload',
        '  schema:',
        '    required: [LoveCode]',
        '    properties:',
        '      LoveCode: {type: string, format: love-code, description: The love code.}',
        '  examples:',
        "    page: {summary: A code, value: {MerchantID: '2000132', LoveCode: '168001'}}",
        'response:',
        '  name: B2CCheckLoveCodeExampleResult',
        '  schema:',
        '    properties:',
        '      IsExist: {type: string, enum: [Y, N], description: Y or N.}',
        '  examples:',
        '    success: {summary: Exists, value: {RtnCode: 1, RtnMsg: OK, IsExist: Y}}',
        '    businessFailure: {summary: Failed, value: {RtnCode: 9000001, RtnMsg: failed}}',
      ].join('\n'),
    );

    const files = renderSpec(dir);
    for (const text of Object.values(files)) expect(text).toContain('/B2CInvoice/CheckLoveCodeExample');
    const doc = parse(files['openapi.yaml']!);
    const names = Object.keys(doc.components.schemas).map((n) =>
      n.replace(/^B2([CB])/, (_, p) => `B2${p.toLowerCase()}`),
    );
    const ids = Object.values<any>(doc.paths).map((p) => p.post.operationId);
    const ops = operationFacts(doc, { sdk: ids, types: names });
    const added = ops.find((o) => o.operationId === 'b2cCheckLoveCodeExample')!;
    expect(renderIndex(ops)).toContain(
      'checkLoveCodeExample: Operation<B2cCheckLoveCodeExamplePayload, B2cCheckLoveCodeExampleResult>',
    );
    const module = renderOperation(added);
    expect(module).toContain('"path": "/B2CInvoice/CheckLoveCodeExample"');
    expect(module).toContain('"format": "love-code"');
  });
});
