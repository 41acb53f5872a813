// Reads the spec sources (spec/envelope.yaml and spec/operations/*/{page,enrich}.yaml) and checks that they agree
// with each other before anything is merged, so a changed ECPay page fails loudly instead of merging silently.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Example {
  summary: string;
  description?: string;
  value: JsonObject;
}

/**
 * What to do when a mutation's outcome is unknown: the query that finds out (when one exists), its payload built
 * from the original one (`from` copies a field, dotted for a nested one; `set` a fixed value), and what to look for.
 */
export interface Recovery {
  operation?: string;
  from?: Record<string, string>;
  set?: Record<string, Json>;
  note: string;
}

export interface Side {
  name: string;
  /** Shared field groups (spec/groups/<name>.yaml) merged under `schema`, in order. */
  include?: string[];
  schema: JsonObject;
  examples: Record<string, Example>;
}

export interface Enrichment {
  /** Where the facts come from: a seed page, or the reference digest and the sources it names. */
  source: string | string[];
  path: string;
  operationId: string;
  product: string;
  summary: string;
  description: string;
  successCodes: number[];
  successCodesDecision?: string;
  retry: { safe: boolean; safeWhen?: { field: string; in: string[] }; reason: string };
  /** Mutations only: the query that finds out what happened when the outcome is unknown. */
  recovery?: Recovery;
  request: Side;
  response: Side;
  /** Form POSTs ECPay sends to a URL the request names (DelayIssue's NotifyURL, ...), by callback name. */
  callbacks?: Record<string, Callback>;
  /** What a success means, when RtnCode alone does not say it (CheckBarcode's IsExist, GetCompanyNameByTaxID's 7). */
  outcomes?: { outcome: string; when: JsonObject; description: string }[];
  /** Paged queries: which request fields page and which result fields hold the count and the items. */
  paging?: { page: string; size: string; total: string; items: string };
  /** How a success's Data comes back: encrypted (the default), plain (JSON, or encrypted), or a PDF. */
  answer?: 'encrypted' | 'plain' | 'pdf';
  /** B2B: the modes (of the trading partner) the operation applies to. */
  modes?: ('exchange' | 'certification')[];
  /** ECPay's documented call rate for this operation; the client spaces its calls to fit. */
  rateLimit?: { calls: number; seconds: number };
  /** A result field ECPay leaves out that later calls need: the client records the Taipei date of the answer in it. */
  recordsDate?: string;
  /** Result fields that echo request fields (result path: request path); an answer that differs is for another request. */
  echo?: Record<string, string>;
}

export interface Callback {
  /** The request field that carries the URL. */
  field: string;
  summary: string;
  description: string;
  /** The component name of the form's fields. */
  name: string;
  /** ECPay's CheckMacValue over the form: verified when present ("md5"), or none defined by the sources. */
  checkMacValue: 'md5' | 'none';
  /** The text the merchant answers with. */
  reply: string;
  /** The form's fields (result keywords: form values are read into the declared types). */
  schema: JsonObject;
  examples: Record<string, Example>;
}

export interface OperationSource {
  dir: string;
  /**
   * ECPay's published YAML, or our transcription of a prose-only page in the same style. Absent for operations
   * whose facts come from the reference digests: their enrich.yaml then types every field itself.
   */
  page: JsonObject | undefined;
  enrich: Enrichment;
}

export interface Product {
  pathPrefix: string;
  description: string;
  revision: string;
  sendsRqID: boolean;
}

export interface EnvelopeSource {
  info: JsonObject;
  servers: JsonObject[];
  products: Record<string, Product>;
  exampleCredentials: { MerchantID: string; HashKey: string; HashIV: string };
  payloadMerchantID: JsonObject;
  /** RtnCode and RtnMsg, in every result. */
  resultCommon: JsonObject;
  exampleEnvelope: {
    requestTimestamp: number;
    responseTimestamp: number;
    envelopeFailure: { summary: string; TransCode: number; TransMsg: string };
  };
  schemas: Record<string, JsonObject>;
}

export interface Sources {
  envelope: EnvelopeSource;
  /** spec/groups/<name>.yaml: fields, conditions and rules shared by several operations, written once. */
  groups: Record<string, JsonObject>;
  operations: OperationSource[];
}

// uniqueKeys: a key written twice in one mapping is an error, not a silent overwrite.
const readYaml = (file: string): any => parse(readFileSync(file, 'utf8'), { uniqueKeys: true });

export function readSources(specDir: string): Sources {
  const envelope = readYaml(join(specDir, 'envelope.yaml')) as EnvelopeSource;
  const groupsDir = join(specDir, 'groups');
  const groups: Record<string, JsonObject> = {};
  if (existsSync(groupsDir)) {
    for (const file of readdirSync(groupsDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()) {
      groups[file.slice(0, -'.yaml'.length)] = readYaml(join(groupsDir, file));
    }
  }
  const opsDir = join(specDir, 'operations');
  const operations = readdirSync(opsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((dir) => {
      const page = join(opsDir, dir, 'page.yaml');
      return {
        dir,
        page: existsSync(page) ? readYaml(page) : undefined,
        enrich: readYaml(join(opsDir, dir, 'enrich.yaml')),
      };
    });
  for (const op of operations) checkOperation(envelope, groups, op);
  checkUnique(operations);
  return { envelope, groups, operations };
}

function fail(op: OperationSource, message: string): never {
  throw new Error(`spec/operations/${op.dir}: ${message}`);
}

/**
 * The enrich.yaml keys the spec carries to the runtime as they are, each as its `x-ecpay-` extension
 * (rateLimit -> x-ecpay-rate-limit): written by the normaliser, read back by the registry.
 */
export const PASS_THROUGH = ['outcomes', 'paging', 'answer', 'modes', 'rateLimit', 'recordsDate', 'echo'] as const;
export const extensionOf = (key: string) => `x-ecpay-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** What every enrich.yaml must say. */
const REQUIRED_KEYS = [
  'source',
  'path',
  'operationId',
  'product',
  'summary',
  'description',
  'successCodes',
  'retry',
  'request',
  'response',
] as const;

function checkOperation(envelope: EnvelopeSource, groups: Record<string, JsonObject>, op: OperationSource): void {
  const { page, enrich } = op;
  for (const key of REQUIRED_KEYS) {
    if (enrich[key] === undefined) fail(op, `enrich.yaml must say ${key}`);
  }
  const known = new Set<string>([...REQUIRED_KEYS, 'successCodesDecision', 'recovery', 'callbacks', ...PASS_THROUGH]);
  for (const key of Object.keys(enrich))
    if (!known.has(key))
      fail(op, `enrich.yaml has ${key}, which the normaliser does not know (known: ${[...known].join(', ')})`);
  const product = envelope.products[enrich.product];
  if (!product) fail(op, `unknown product ${enrich.product}; envelope.yaml lists ${Object.keys(envelope.products)}`);
  if (!enrich.path.startsWith(product.pathPrefix)) {
    fail(op, `path ${enrich.path} does not start with ${product.pathPrefix} (product ${enrich.product})`);
  }
  if (!enrich.successCodes?.length) fail(op, 'enrich.yaml must list successCodes');
  if (typeof enrich.retry?.safe !== 'boolean' || !enrich.retry.reason) {
    fail(op, 'enrich.yaml must say retry.safe (true/false) and retry.reason');
  }
  if (!enrich.operationId.startsWith(enrich.product.toLowerCase()))
    fail(op, `operationId ${enrich.operationId} must start with ${enrich.product.toLowerCase()}`);
  onlyKeys(op, enrich.retry as unknown as JsonObject, ['safe', 'safeWhen', 'reason'], 'retry');
  if (enrich.recovery)
    onlyKeys(op, enrich.recovery as unknown as JsonObject, ['operation', 'from', 'set', 'note'], 'recovery');
  for (const side of ['request', 'response'] as const) {
    const s = enrich[side];
    onlyKeys(op, s as unknown as JsonObject, ['name', 'include', 'schema', 'examples'], side);
    for (const [name, ex] of Object.entries(s.examples ?? {})) {
      onlyKeys(op, ex as unknown as JsonObject, ['summary', 'description', 'value'], `${side}.examples.${name}`);
      if (!ex.summary || !ex.value) fail(op, `${side}.examples.${name} needs a summary and a value`);
    }
    if (!s.name || !s.schema || !Object.keys(s.examples ?? {}).length)
      fail(op, `enrich.yaml's ${side} needs a name, a schema and at least one example`);
    for (const group of s.include ?? [])
      if (!groups[group]) fail(op, `${side}.include names ${group}, but spec/groups/${group}.yaml does not exist`);
  }
  for (const [name, cb] of Object.entries(enrich.callbacks ?? {})) {
    onlyKeys(
      op,
      cb as unknown as JsonObject,
      ['field', 'summary', 'description', 'name', 'checkMacValue', 'reply', 'schema', 'examples'],
      `callbacks.${name}`,
    );
    if (!name.startsWith(enrich.operationId))
      fail(op, `callback ${name} must start with the operationId ${enrich.operationId}`);
    if (!cb.field || !cb.name || !cb.summary || !cb.reply || !cb.schema || !Object.keys(cb.examples ?? {}).length) {
      fail(op, `callback ${name} needs field, name, summary, reply, schema and at least one example`);
    }
    if (cb.checkMacValue !== 'md5' && cb.checkMacValue !== 'none')
      fail(op, `callback ${name}: checkMacValue is md5 or none`);
  }
  for (const [i, o] of (enrich.outcomes ?? []).entries()) {
    onlyKeys(op, o as unknown as JsonObject, ['outcome', 'when', 'description'], `outcomes[${i}]`);
    if (!/^[a-z]+(-[a-z]+)*$/.test(o.outcome ?? '') || !o.when || !o.description)
      fail(op, `outcomes[${i}] needs an outcome (kebab-case), a when and a description`);
  }
  if (enrich.paging) onlyKeys(op, enrich.paging as unknown as JsonObject, ['page', 'size', 'total', 'items'], 'paging');
  if (enrich.answer && !['encrypted', 'plain', 'pdf'].includes(enrich.answer))
    fail(op, 'answer is encrypted, plain or pdf');
  for (const mode of enrich.modes ?? [])
    if (mode !== 'exchange' && mode !== 'certification')
      fail(op, `modes lists ${String(mode)}; known: exchange, certification`);
  if (enrich.modes && enrich.product !== 'B2B') fail(op, 'modes are a B2B fact');
  if (enrich.rateLimit) {
    onlyKeys(op, enrich.rateLimit as unknown as JsonObject, ['calls', 'seconds'], 'rateLimit');
    if (!(Number.isInteger(enrich.rateLimit.calls) && enrich.rateLimit.calls > 0 && enrich.rateLimit.seconds > 0))
      fail(op, 'rateLimit needs calls (a positive integer) and seconds (positive)');
  }
  // A document operation's success is the file, which the normaliser adds to the mock; its answers here are failures.
  if (enrich.answer === 'pdf' && enrich.response.examples.success)
    fail(op, 'answer: pdf succeeds with the file itself: name no JSON example "success"');
  if (enrich.answer !== 'pdf' && !enrich.response.examples.success)
    fail(op, 'enrich.yaml needs a response example named "success"');
  if (!enrich.response.examples.businessFailure)
    fail(op, 'enrich.yaml needs a response example named "businessFailure"');
  if (page) checkPage(envelope, op, page);
}

/** Our enrichment must agree with ECPay's page where there is one. */
function checkPage(envelope: EnvelopeSource, op: OperationSource, page: JsonObject): void {
  const { enrich } = op;
  const paths = (page.paths ?? {}) as JsonObject;
  const vendorOp = (paths[enrich.path] as JsonObject | undefined)?.post as JsonObject | undefined;
  if (!vendorOp) fail(op, `page.yaml has no POST ${enrich.path} (enrich.yaml's path)`);
  // The vendor's envelope must stay within the shared one: a new envelope field on ECPay's side must be noticed.
  const vendorReq = dig(vendorOp, ['requestBody', 'content', 'application/json', 'schema', 'properties']);
  const vendorRes = dig(vendorOp, ['responses', '200', 'content', 'application/json', 'schema', 'properties']);
  const sharedReq = envelope.schemas.EcpayRequestEnvelope!.properties as JsonObject;
  const sharedRes = envelope.schemas.EcpayResponseEnvelope!.properties as JsonObject;
  for (const [vendor, shared, side] of [
    [vendorReq, sharedReq, 'request'],
    [vendorRes, sharedRes, 'response'],
  ] as const) {
    for (const name of Object.keys(vendor ?? {})) {
      if (!(name in shared)) fail(op, `page.yaml's ${side} envelope has ${name}, which the shared envelope lacks`);
    }
  }
  // Our enrichment may only add a field the page does not list when it says its type, so a typo in a field name
  // cannot create a new field silently.
  const schemas = dig(page, ['components', 'schemas']) as JsonObject | undefined;
  for (const [side, vendorName] of [
    ['request', 'requestBody.Data'],
    ['response', 'responses.Data'],
  ] as const) {
    const vendor = schemas?.[vendorName] as JsonObject | undefined;
    if (!vendor) fail(op, `page.yaml lacks components.schemas["${vendorName}"]`);
    checkNewFields(op, `${side}.schema`, vendor, enrich[side].schema);
  }
}

function onlyKeys(op: OperationSource, obj: JsonObject, allowed: string[], where: string): void {
  for (const key of Object.keys(obj ?? {})) {
    if (!allowed.includes(key))
      fail(op, `enrich.yaml's ${where} has ${key}, which the normaliser does not know (known: ${allowed.join(', ')})`);
  }
}

function checkNewFields(op: OperationSource, where: string, vendor: JsonObject | undefined, ours: JsonObject): void {
  const vendorProps = (vendor?.properties ?? {}) as JsonObject;
  for (const [name, schema] of Object.entries((ours.properties ?? {}) as Record<string, JsonObject>)) {
    const theirs = vendorProps[name] as JsonObject | undefined;
    if (!theirs && !schema.type) fail(op, `${where}.${name} is not on the page; give its type to add it on purpose`);
    if (schema.items) checkNewFields(op, `${where}.${name}[]`, theirs?.items as JsonObject, schema.items as JsonObject);
    if (schema.properties) checkNewFields(op, `${where}.${name}`, theirs, schema);
  }
}

function checkUnique(operations: OperationSource[]): void {
  const seen = new Map<string, string>();
  for (const op of operations) {
    const names = [op.enrich.operationId, op.enrich.path, op.enrich.request.name, op.enrich.response.name];
    for (const name of names) {
      // Case-insensitive: the generator re-cases names (B2CFoo -> B2cFoo), so two spellings would collide there.
      const key = name.toLowerCase();
      const other = seen.get(key);
      if (other) throw new Error(`name ${name} is used by both ${other} and ${op.dir}`);
      seen.set(key, op.dir);
    }
  }
}

export function dig(value: Json | undefined, path: string[]): Json | undefined {
  let at: Json | undefined = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = at[key];
  }
  return at;
}
