// The normaliser on the real sources: deterministic, in sync with the committed files, names that cannot collide,
// wire examples that decrypt to the plaintext examples, loud failures, and a sixth operation without code changes.
import { createDecipheriv } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSpec } from '../../codegen/spec/build.ts';
import { renderRegistry } from '../../codegen/client/registry.ts';
import { mediaOf } from '../../codegen/spec/doc.ts';
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
    for (const [name, text] of Object.entries(first)) expect(readFileSync(join(specDir, name), 'utf8'), name).toBe(text);
  });

  it('gives every operation a product-prefixed operationId, a tag and both servers', () => {
    expect(unified.servers.map((s: any) => s.url)).toEqual(['https://einvoice-stage.ecpay.com.tw', 'https://einvoice.ecpay.com.tw']);
    const ids = Object.values<any>(unified.paths).map((p) => p.post.operationId);
    expect(new Set(ids).size).toBe(5);
    for (const item of Object.values<any>(unified.paths)) expect(item.post.operationId.slice(0, 3).toUpperCase()).toBe(item.post.tags[0]);
  });

  it('keeps one set of envelope components that every operation points at', () => {
    for (const item of Object.values<any>(unified.paths)) {
      expect(item.post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/EcpayRequestEnvelope');
      expect(item.post.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/EcpayResponseEnvelope');
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
    for (const n of names.filter((x) => x.startsWith('B2'))) expect(types.toLowerCase()).toContain(`export type ${n.toLowerCase()} =`);
  });
});

describe('wire examples', () => {
  const wire = parse(readFileSync(join(specDir, 'views/wire.yaml'), 'utf8'));
  const plain = parse(readFileSync(join(specDir, 'views/plaintext.yaml'), 'utf8'));
  const { HashKey, HashIV } = unified['x-ecpay-example-credentials'];
  const cases = Object.keys(unified.paths).flatMap((path) =>
    (['request', 'response'] as const).flatMap((side) => {
      const media = (doc: any): any => mediaOf(doc.paths[path].post, side);
      return Object.entries<any>(media(wire).examples)
        .filter(([, ex]) => ex.value.Data !== '')
        .map(([name, ex]) => [`${path} ${side} ${name}`, ex.value.Data, media(plain).examples[name].value] as const);
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
    expect(Object.keys(wire.components.schemas)).toEqual(['EcpayRequestEnvelope', 'EcpayRequestHeader', 'EcpayResponseEnvelope', 'EcpayResponseHeader']);
  });
});

describe('sources are checked before merging', () => {
  function copy(name: string) {
    const dir = join(tmp, name);
    cpSync(specDir, dir, { recursive: true });
    return dir;
  }

  it('refuses an enrichment field that is not on the page unless its type is given', () => {
    const dir = copy('typo');
    const file = join(dir, 'operations/b2c-trigger-issue/enrich.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('      Tsr:\n        minLength: 1', '      Tsrr:\n        minLength: 1'));
    expect(() => renderSpec(dir)).toThrow('request.schema.Tsrr is not on the page');
  });

  it('refuses a vendor envelope field the shared envelope lacks', () => {
    const dir = copy('envelope');
    const file = join(dir, 'operations/b2c-trigger-issue/page.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('                RqHeader:\n', '                Signature:\n                  type: string\n                RqHeader:\n'));
    expect(() => renderSpec(dir)).toThrow("page.yaml's request envelope has Signature");
  });
});

describe('a sixth operation is only source files', () => {
  it('appears in the unified spec, both views and the typed facade after make spec', () => {
    const dir = join(tmp, 'sixth');
    cpSync(specDir, dir, { recursive: true });
    const op = join(dir, 'operations/b2c-get-issue');
    mkdirSync(op);
    const page = readFileSync(join(specDir, 'operations/b2c-trigger-issue/page.yaml'), 'utf8').replaceAll('/B2CInvoice/TriggerIssue', '/B2CInvoice/GetIssue');
    writeFileSync(join(op, 'page.yaml'), page);
    const enrich = readFileSync(join(specDir, 'operations/b2c-trigger-issue/enrich.yaml'), 'utf8')
      .replaceAll('/B2CInvoice/TriggerIssue', '/B2CInvoice/GetIssue')
      .replace('operationId: b2cTriggerIssue', 'operationId: b2cGetIssue')
      .replace('name: B2CTriggerIssuePayload', 'name: B2CGetIssuePayload')
      .replace('name: B2CTriggerIssueResult', 'name: B2CGetIssueResult');
    writeFileSync(join(op, 'enrich.yaml'), enrich);

    const files = renderSpec(dir);
    for (const text of Object.values(files)) expect(text).toContain('/B2CInvoice/GetIssue');
    const registry = renderRegistry(parse(files['openapi.yaml']!), {
      sdk: ['b2bGetInvalid', 'b2bGetInvoiceWordSetting', 'b2bMaintainMerchantCustomerData', 'b2cTriggerIssue', 'b2cUpdateInvoiceWordStatus', 'b2cGetIssue'],
      types: Object.keys(parse(files['openapi.yaml']!).components.schemas).map((n) => n.replace(/^B2([CB])/, (_, p) => `B2${p.toLowerCase()}`)),
    });
    expect(registry).toContain('getIssue: Operation<B2cGetIssuePayload, B2cGetIssueResult>');
    expect(registry).toContain('path: "/B2CInvoice/GetIssue"');
  });
});
