// Merges the spec sources into the unified OpenAPI 3.1 document (spec/openapi.yaml): the shared envelope once, each
// operation pointing at it, each operation's decrypted Data schemas as named components linked by x-ecpay-data, and
// examples whose Data is really encrypted under the public stage key, each carrying its plaintext in x-ecpay-data.
import { createAesKey, encryptData, type AesKey } from '../../src/codec.ts';
import { checkResult, normaliseResult, preparePayload } from '../../src/normalise.ts';
import { FORMATS } from '../../src/formats.ts';
import { asReturned } from './views.ts';
import { LITERAL_KEYWORDS, type Schema } from '../../src/schema.ts';
import type { Callback, EnvelopeSource, Example, Json, JsonObject, OperationSource, Side, Sources } from './sources.ts';
import { dig, extensionOf, PASS_THROUGH } from './sources.ts';
import { clone } from './doc.ts';
import { checkConditionOn, checkDataSchema, completeRequest, mergeSchemas } from './schemas.ts';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

// Names the generator derives from an operationId (XxxData, XxxResponse, ...) must not be taken by a component.
const GENERATOR_SUFFIXES = ['Data', 'Response', 'Responses', 'Error', 'Errors'];

// The smallest PDF the mock serves for a document operation's success.
const EXAMPLE_PDF =
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n';

// A stable UUID v4 for the B2B examples, so the committed spec does not change from one build to the next.
const EXAMPLE_RQID = '3f9c2a6e-8d41-4b7a-9e25-6c1d0b8f4a73';

export function buildUnified(sources: Sources): JsonObject {
  const { envelope, groups, operations } = sources;
  const aes = createAesKey(envelope.exampleCredentials.HashKey, envelope.exampleCredentials.HashIV);
  const schemas: JsonObject = clone(envelope.schemas as JsonObject);
  const paths: JsonObject = {};

  for (const op of operations) {
    const { enrich } = op;
    for (const name of [enrich.request.name, enrich.response.name]) {
      if (name in schemas) throw new Error(`schema name ${name} (spec/operations/${op.dir}) is already taken`);
      const clash = GENERATOR_SUFFIXES.find((s) => name.endsWith(s));
      if (clash)
        throw new Error(`schema name ${name} ends with "${clash}", which the generator uses for its own types`);
    }
    const where = `spec/operations/${op.dir}`;
    const payload = payloadSchema(envelope, groups, op);
    const result = resultSchema(envelope, groups, op);
    checkDataSchema(payload, 'request', `${where} request`);
    checkDataSchema(result, 'result', `${where} response`);
    checkExamples(op, payload, result, envelope.exampleCredentials.MerchantID);
    checkPaging(op, payload, result);
    checkEcho(op, payload, result);
    schemas[enrich.request.name] = payload;
    schemas[enrich.response.name] = result;
    const post = operation(envelope, op, aes);
    for (const [name, cb] of Object.entries(enrich.callbacks ?? {})) {
      if (cb.name in schemas) throw new Error(`schema name ${cb.name} (${where} callback ${name}) is already taken`);
      if (!(cb.field in (payload.properties as JsonObject)))
        throw new Error(`${where}: callback ${name} names ${cb.field}, which is not a request field`);
      schemas[cb.name] = callbackSchema(cb, where, name);
      ((post.callbacks ??= {}) as JsonObject)[name] = callback(cb);
    }
    paths[enrich.path] = { post };
  }
  checkRecoveries(sources, schemas);

  return {
    openapi: '3.1.0',
    info: clone(envelope.info),
    servers: clone(envelope.servers as Json[]),
    tags: Object.entries(envelope.products).map(([name, p]) => ({ name, description: p.description })),
    'x-ecpay-products': Object.fromEntries(
      Object.entries(envelope.products).map(([name, p]) => [
        name,
        { pathPrefix: p.pathPrefix, revision: p.revision, sendsRqID: p.sendsRqID },
      ]),
    ),
    'x-ecpay-example-credentials': {
      ...clone(envelope.exampleCredentials),
      description: "ECPay's public stage test values; the examples' Data is encrypted with them. Not production keys.",
    },
    paths,
    components: { schemas },
  };
}

/** The page's Data schema (when there is a page), then the shared groups, then ours. */
function merged(
  groups: Sources['groups'],
  op: OperationSource,
  side: 'request' | 'response',
  vendorName: string,
): JsonObject {
  const own: Side = op.enrich[side];
  let schema: Json = (op.page ? dig(op.page, ['components', 'schemas', vendorName]) : undefined) ?? {};
  for (const group of own.include ?? []) schema = mergeSchemas(schema, groups[group]!);
  return expandGroups(mergeSchemas(schema, own.schema), groups, `spec/operations/${op.dir}`) as JsonObject;
}

/** `$group: name` anywhere in a schema merges groups/<name>.yaml under that object (VoidWithReIssue's IssueModel). */
function expandGroups(node: Json, groups: Sources['groups'], where: string): Json {
  if (Array.isArray(node)) return node.map((n) => expandGroups(n, groups, where));
  if (node === null || typeof node !== 'object') return node;
  let out: JsonObject = node;
  if (typeof node.$group === 'string') {
    const { $group, ...rest } = node;
    const group = groups[$group as string];
    if (!group)
      throw new Error(
        `${where}: $group names ${String($group)}, but spec/groups/${String($group)}.yaml does not exist`,
      );
    out = mergeSchemas(group, rest) as JsonObject;
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, LITERAL_KEYWORDS.has(k) ? v : expandGroups(v, groups, where)]),
  );
}

function payloadSchema(envelope: EnvelopeSource, groups: Sources['groups'], op: OperationSource): JsonObject {
  const m = merged(groups, op, 'request', 'requestBody.Data');
  const { MerchantID: vendorMerchant, ...rest } = (m.properties ?? {}) as JsonObject;
  const required = ['MerchantID', ...((m.required ?? []) as string[]).filter((n) => n !== 'MerchantID')];
  const schema: JsonObject = {
    ...m,
    type: 'object',
    description: `Decrypted request Data of ${op.enrich.operationId} (${op.enrich.path}).`,
    required,
    properties: { MerchantID: mergeSchemas(vendorMerchant, envelope.payloadMerchantID), ...rest },
  };
  completeRequest(schema);
  return schema;
}

function resultSchema(envelope: EnvelopeSource, groups: Sources['groups'], op: OperationSource): JsonObject {
  const m = mergeSchemas(envelope.resultCommon, merged(groups, op, 'response', 'responses.Data')) as JsonObject;
  const schema: JsonObject = {
    ...m,
    type: 'object',
    description: `Decrypted response Data of ${op.enrich.operationId} (${op.enrich.path}). Success RtnCode: ${op.enrich.successCodes.join(' or ')}.`,
  };
  if (op.enrich.recordsDate) {
    const name = op.enrich.recordsDate;
    if (name in (schema.properties as JsonObject))
      throw new Error(`spec/operations/${op.dir}: recordsDate names ${name}, which the result already declares`);
    (schema.properties as JsonObject)[name] = {
      type: 'string',
      format: 'ecpay-date',
      description:
        `Recorded by the client: ECPay's answer has no ${name}, though later calls need it. The Taipei date of ECPay's ` +
        "answer by ECPay's own clock (RpHeader.Timestamp; this machine's clock without one): the invoice's date, unless " +
        'ECPay issued it within a second of midnight. If ECPay ever sends the field, its value is kept.',
      'x-ecpay-client': true,
    };
    schema.required = [...((schema.required ?? []) as string[]), name];
  }
  const outcomes = op.enrich.outcomes ?? [];
  for (const [i, o] of outcomes.entries())
    checkConditionOn(o.when, schema, `spec/operations/${op.dir}: outcomes[${i}].when`);
  if (outcomes.length) {
    // The client's reading of the answer, added to the result: one name per documented meaning.
    (schema.properties as JsonObject).outcome = {
      type: 'string',
      enum: outcomes.map((o) => o.outcome),
      description: `Added by the client (not ECPay's field): what the answer means. ${outcomes.map((o) => `${o.outcome}: ${o.description}`).join(' ')}`,
      'x-ecpay-client': true,
    };
    schema.required = [...((schema.required ?? []) as string[]), 'outcome'];
  }
  return schema;
}

/** What the runtime would say of a result read against its schema, errors and warnings alike ('' when nothing). */
function findings(schema: JsonObject, read: Record<string, unknown>): string {
  const { problems, warnings } = checkResult(schema as Schema, read, FORMATS);
  return [...problems, ...warnings].map((i) => i.message).join('; ');
}

/** Every example must be what it claims: requests the client would send, results it reads without a complaint. */
function checkExamples(op: OperationSource, payload: JsonObject, result: JsonObject, merchantId: string): void {
  const where = `spec/operations/${op.dir}`;
  for (const [name, ex] of Object.entries(op.enrich.request.examples)) {
    const { MerchantID, ...rest } = ex.value;
    const { issues } = preparePayload(
      payload as Schema,
      rest,
      String(MerchantID ?? merchantId),
      op.enrich.operationId,
      FORMATS,
    );
    if (issues.length)
      throw new Error(`${where}: request example ${name} breaks the spec: ${issues.map((i) => i.message).join('; ')}`);
  }
  for (const [name, ex] of Object.entries(op.enrich.response.examples)) {
    const success = op.enrich.successCodes.includes(Number(ex.value.RtnCode));
    if (name === 'businessFailure' && success)
      throw new Error(`${where}: response example businessFailure has a success RtnCode`);
    if (!success) continue;
    const read = asReturned(
      op.enrich.outcomes,
      op.enrich.recordsDate,
      normaliseResult(result as Schema, ex.value) as JsonObject,
    );
    const found = findings(result, read);
    if (found) throw new Error(`${where}: response example ${name} breaks the spec: ${found}`);
  }
}

/** Paging names integer request fields for the page and its size, and the result's total and list of items. */
function checkPaging(op: OperationSource, payload: JsonObject, result: JsonObject): void {
  const paging = op.enrich.paging;
  if (!paging) return;
  const where = `spec/operations/${op.dir}: paging`;
  const field = (schema: JsonObject, name: string) =>
    ((schema.properties ?? {}) as JsonObject)[name] as JsonObject | undefined;
  for (const [role, name] of [
    ['page', paging.page],
    ['size', paging.size],
  ] as const) {
    if (field(payload, name)?.type !== 'integer')
      throw new Error(`${where}.${role} names ${name}, which is not an integer request field`);
  }
  if (field(result, paging.total)?.type !== 'integer')
    throw new Error(`${where}.total names ${paging.total}, which is not an integer result field`);
  if (field(result, paging.items)?.type !== 'array')
    throw new Error(`${where}.items names ${paging.items}, which is not a list in the result`);
}

/** Whether a schema declares the field at a dotted path ("IssueModel.RelateNumber"). */
const has = (schema: JsonObject, dotted: string): boolean =>
  dotted
    .split('.')
    .reduce<JsonObject | undefined>(
      (at, key) => ((at?.properties ?? {}) as JsonObject)[key] as JsonObject | undefined,
      schema,
    ) !== undefined;

/** An echo pairs a declared result field with a declared request field. */
function checkEcho(op: OperationSource, payload: JsonObject, result: JsonObject): void {
  for (const [answered, sent] of Object.entries(op.enrich.echo ?? {})) {
    if (!has(result, answered))
      throw new Error(`spec/operations/${op.dir}: echo names ${answered}, which the result does not declare`);
    if (!has(payload, sent))
      throw new Error(`spec/operations/${op.dir}: echo names ${sent}, which the request does not declare`);
  }
}

/** A recovery names a query that exists and is safe to repeat, and fields both operations declare. */
function checkRecoveries(sources: Sources, schemas: JsonObject): void {
  const byId = new Map(sources.operations.map((o) => [o.enrich.operationId, o]));
  for (const op of sources.operations) {
    const recovery = op.enrich.recovery;
    const where = `spec/operations/${op.dir}: recovery`;
    if (!recovery) {
      if (!op.enrich.retry.safe)
        throw new Error(
          `${where} is missing: an operation that is not safe to repeat must say how to find out what happened`,
        );
      continue;
    }
    if (op.enrich.retry.safe) throw new Error(`${where} is for operations that are not safe to repeat`);
    if (!recovery.note) throw new Error(`${where} needs a note: what to look for, and what to do next`);
    if (!recovery.operation) {
      if (recovery.from || recovery.set) throw new Error(`${where} fills a payload but names no operation`);
      continue;
    }
    const target = byId.get(recovery.operation);
    if (!target) throw new Error(`${where} names ${recovery.operation}, which is not an operation of the spec`);
    if (!target.enrich.retry.safe) throw new Error(`${where} names ${recovery.operation}, which is not safe to repeat`);
    const ours = schemas[op.enrich.request.name] as JsonObject;
    const theirs = schemas[target.enrich.request.name] as JsonObject;
    for (const [to, from] of Object.entries(recovery.from ?? {})) {
      if (!has(theirs, to)) throw new Error(`${where} fills ${to}, which ${recovery.operation} does not have`);
      if (!has(ours, from)) throw new Error(`${where} copies ${from}, which ${op.enrich.operationId} does not have`);
    }
    for (const to of Object.keys(recovery.set ?? {}))
      if (!has(theirs, to)) throw new Error(`${where} sets ${to}, which ${recovery.operation} does not have`);
  }
}

function operation(envelope: EnvelopeSource, op: OperationSource, aes: AesKey): JsonObject {
  const { enrich } = op;
  const product = envelope.products[enrich.product]!;
  const times = envelope.exampleEnvelope;
  const merchant = envelope.exampleCredentials.MerchantID;
  const rqHeader: JsonObject = { Timestamp: times.requestTimestamp, Revision: product.revision };
  if (product.sendsRqID) rqHeader.RqID = EXAMPLE_RQID;

  const requestExamples = mapExamples(enrich.request.examples, (plain) => ({
    MerchantID: (plain.MerchantID as string) ?? merchant,
    RqHeader: clone(rqHeader),
    Data: encryptData(aes, JSON.stringify(plain)),
  }));
  const responseExamples = mapExamples(enrich.response.examples, (plain) => ({
    MerchantID: merchant,
    RpHeader: { Timestamp: times.responseTimestamp },
    TransCode: 1,
    TransMsg: 'Success',
    Data: encryptData(aes, JSON.stringify(plain)),
  }));
  responseExamples.envelopeFailure = {
    summary: times.envelopeFailure.summary,
    value: {
      MerchantID: merchant,
      RpHeader: { Timestamp: times.responseTimestamp },
      TransCode: times.envelopeFailure.TransCode,
      TransMsg: times.envelopeFailure.TransMsg,
      Data: '',
    },
    'x-ecpay-data': null,
  };

  const retry: JsonObject = { safe: enrich.retry.safe, reason: enrich.retry.reason };
  if (enrich.retry.safeWhen) retry.safeWhen = clone(enrich.retry.safeWhen as unknown as JsonObject);
  const out: JsonObject = {
    operationId: enrich.operationId,
    tags: [enrich.product],
    summary: enrich.summary,
    description: enrich.description,
    'x-ecpay-product': enrich.product,
    'x-ecpay-source': clone(enrich.source),
    'x-ecpay-success-codes': clone(enrich.successCodes),
  };
  if (enrich.successCodesDecision) out['x-ecpay-success-codes-decision'] = enrich.successCodesDecision;
  out['x-ecpay-retry'] = retry;
  if (enrich.recovery) out['x-ecpay-recovery'] = clone(enrich.recovery as unknown as JsonObject);
  for (const key of PASS_THROUGH) {
    const value = enrich[key] as Json | undefined;
    // An encrypted answer is every operation's: only the exceptions (plain, pdf) are written.
    if (value !== undefined && value !== 'encrypted') out[extensionOf(key)] = clone(value);
  }
  const vendorStatuses = Object.keys(
    (dig(op.page ?? {}, ['paths', enrich.path, 'post', 'responses']) ?? {}) as JsonObject,
  ).filter((s) => s !== '200');
  if (vendorStatuses.length) {
    out['x-ecpay-decision'] =
      `The page's YAML also declares HTTP ${vendorStatuses.join(' and ')} without a body. They are not carried over: ECPay ` +
      'reports envelope and business failures inside a 200 answer (TransCode, then RtnCode), and the client treats ' +
      'any other status as an HTTP error (EcpayHttpError) whatever the spec lists.';
  }
  out.requestBody = {
    required: true,
    content: {
      'application/json': {
        schema: { ...ref('EcpayRequestEnvelope'), 'x-ecpay-data': ref(enrich.request.name) },
        examples: requestExamples,
      },
    },
  };
  // A document operation answers its success with the file (the mock's default) and its failures with an envelope.
  const file: JsonObject =
    enrich.answer === 'pdf'
      ? {
          'application/pdf': {
            schema: { type: 'string', format: 'binary' },
            examples: { success: { summary: 'The document itself (a minimal PDF for the mock)', value: EXAMPLE_PDF } },
          },
        }
      : {};
  out.responses = {
    '200': {
      description: `Envelope; its Data decrypts to ${enrich.response.name}. ECPay answers 200 for envelope and business failures too.`,
      content: {
        ...file,
        'application/json': {
          schema: { ...ref('EcpayResponseEnvelope'), 'x-ecpay-data': ref(enrich.response.name) },
          examples: responseExamples,
        },
      },
    },
  };
  return out;
}

/** A callback's form fields, read like a result: form values are text, read into the declared types. */
function callbackSchema(cb: Callback, where: string, name: string): JsonObject {
  const schema: JsonObject = {
    ...clone(cb.schema),
    type: 'object',
    description: `${cb.summary} The form ECPay POSTs to the request's ${cb.field}.`,
  };
  checkDataSchema(schema, 'result', `${where} callback ${name}`);
  for (const [exName, ex] of Object.entries(cb.examples)) {
    const found = findings(schema, normaliseResult(schema as Schema, ex.value));
    if (found) throw new Error(`${where}: callback ${name} example ${exName} breaks the spec: ${found}`);
  }
  return schema;
}

/** OpenAPI 3.1 callback: ECPay POSTs a form to the URL in the request's field and expects `reply` as text. */
function callback(cb: Callback): JsonObject {
  return {
    [`{$request.body#/${cb.field}}`]: {
      post: {
        summary: cb.summary,
        description: cb.description,
        'x-ecpay-check-mac-value': cb.checkMacValue,
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: ref(cb.name),
              examples: Object.fromEntries(
                Object.entries(cb.examples).map(([n, ex]) => [n, clone(ex as unknown as JsonObject)]),
              ),
            },
          },
        },
        responses: {
          '200': {
            description: `Answer with the text ${cb.reply} once the notice is handled; ECPay may send it again otherwise.`,
            content: { 'text/plain': { schema: { type: 'string', const: cb.reply } } },
          },
        },
      },
    },
  };
}

function mapExamples(examples: Record<string, Example>, wire: (plain: JsonObject) => JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [name, ex] of Object.entries(examples)) {
    const entry: JsonObject = { summary: ex.summary };
    if (ex.description) entry.description = ex.description;
    entry.value = wire(ex.value);
    entry['x-ecpay-data'] = clone(ex.value);
    out[name] = entry;
  }
  return out;
}
