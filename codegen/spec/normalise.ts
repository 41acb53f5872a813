// Merges the spec sources into the unified OpenAPI 3.1 document (spec/openapi.yaml): the shared envelope once, each
// operation pointing at it, each operation's decrypted Data schemas as named components linked by x-ecpay-data, and
// examples whose Data is really encrypted under the public stage key, each carrying its plaintext in x-ecpay-data.
import { createAesKey, encryptData, type AesKey } from '../../src/codec.ts';
import { checkResult, normaliseResult, preparePayload } from '../../src/normalise.ts';
import type { Schema } from '../../src/schema.ts';
import type { EnvelopeSource, Example, Json, JsonObject, OperationSource, Side, Sources } from './sources.ts';
import { dig } from './sources.ts';
import { clone } from './doc.ts';
import { checkDataSchema, completeRequest, mergeSchemas } from './schemas.ts';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

// Names the generator derives from an operationId (XxxData, XxxResponse, ...) must not be taken by a component.
const GENERATOR_SUFFIXES = ['Data', 'Response', 'Responses', 'Error', 'Errors'];

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
      if (clash) throw new Error(`schema name ${name} ends with "${clash}", which the generator uses for its own types`);
    }
    const where = `spec/operations/${op.dir}`;
    const payload = payloadSchema(envelope, groups, op);
    const result = resultSchema(envelope, groups, op);
    checkDataSchema(payload, 'request', `${where} request`);
    checkDataSchema(result, 'result', `${where} response`);
    checkExamples(op, payload, result);
    schemas[enrich.request.name] = payload;
    schemas[enrich.response.name] = result;
    paths[enrich.path] = { post: operation(envelope, op, aes) };
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
function merged(groups: Sources['groups'], op: OperationSource, side: 'request' | 'response', vendorName: string): JsonObject {
  const own: Side = op.enrich[side];
  let schema: Json = (op.page ? dig(op.page, ['components', 'schemas', vendorName]) : undefined) ?? {};
  for (const group of own.include ?? []) schema = mergeSchemas(schema, groups[group]!);
  return mergeSchemas(schema, own.schema) as JsonObject;
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
  return {
    ...m,
    type: 'object',
    description: `Decrypted response Data of ${op.enrich.operationId} (${op.enrich.path}). Success RtnCode: ${op.enrich.successCodes.join(' or ')}.`,
  };
}

/** Every example must be what it claims: requests the client would send, results it reads without a complaint. */
function checkExamples(op: OperationSource, payload: JsonObject, result: JsonObject): void {
  const where = `spec/operations/${op.dir}`;
  for (const [name, ex] of Object.entries(op.enrich.request.examples)) {
    const { MerchantID, ...rest } = ex.value;
    const { issues } = preparePayload(payload as Schema, rest, String(MerchantID ?? '2000132'), op.enrich.operationId);
    if (issues.length) throw new Error(`${where}: request example ${name} breaks the spec: ${issues.map((i) => i.message).join('; ')}`);
  }
  for (const [name, ex] of Object.entries(op.enrich.response.examples)) {
    const success = op.enrich.successCodes.includes(Number(ex.value.RtnCode));
    if (name === 'businessFailure' && success) throw new Error(`${where}: response example businessFailure has a success RtnCode`);
    if (!success) continue;
    const { problems, warnings } = checkResult(result as Schema, normaliseResult(result as Schema, ex.value));
    const found = [...problems, ...warnings];
    if (found.length) throw new Error(`${where}: response example ${name} breaks the spec: ${found.map((i) => i.message).join('; ')}`);
  }
}

/** A recovery names a query that exists and is safe to repeat, and fields both operations declare. */
function checkRecoveries(sources: Sources, schemas: JsonObject): void {
  const byId = new Map(sources.operations.map((o) => [o.enrich.operationId, o]));
  for (const op of sources.operations) {
    const recovery = op.enrich.recovery;
    if (!recovery) continue;
    const where = `spec/operations/${op.dir}: recovery`;
    const target = byId.get(recovery.operation);
    if (!target) throw new Error(`${where} names ${recovery.operation}, which is not an operation of the spec`);
    if (!target.enrich.retry.safe) throw new Error(`${where} names ${recovery.operation}, which is not safe to repeat`);
    const ours = (schemas[op.enrich.request.name] as JsonObject).properties as JsonObject;
    const theirs = (schemas[target.enrich.request.name] as JsonObject).properties as JsonObject;
    for (const [to, from] of Object.entries(recovery.from)) {
      if (!(to in theirs)) throw new Error(`${where} fills ${to}, which ${recovery.operation} does not have`);
      if (!(from in ours)) throw new Error(`${where} copies ${from}, which ${op.enrich.operationId} does not have`);
    }
    for (const to of Object.keys(recovery.set ?? {})) if (!(to in theirs)) throw new Error(`${where} sets ${to}, which ${recovery.operation} does not have`);
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
  const vendorStatuses = Object.keys((dig(op.page ?? {}, ['paths', enrich.path, 'post', 'responses']) ?? {}) as JsonObject).filter((s) => s !== '200');
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
  out.responses = {
    '200': {
      description: `Envelope; its Data decrypts to ${enrich.response.name}. ECPay answers 200 for envelope and business failures too.`,
      content: {
        'application/json': {
          schema: { ...ref('EcpayResponseEnvelope'), 'x-ecpay-data': ref(enrich.response.name) },
          examples: responseExamples,
        },
      },
    },
  };
  return out;
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
