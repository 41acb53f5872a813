// Merges the spec sources into the unified OpenAPI 3.1 document (spec/openapi.yaml): the shared envelope once, each
// operation pointing at it, each operation's decrypted Data schemas as named components linked by x-ecpay-data, and
// examples whose Data is really encrypted under the public stage key, each carrying its plaintext in x-ecpay-data.
import { createAesKey, encryptData, type AesKey } from '../../src/codec.ts';
import type { EnvelopeSource, Example, Json, JsonObject, OperationSource, Sources } from './sources.ts';
import { dig } from './sources.ts';
import { clone } from './doc.ts';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

// Names the generator derives from an operationId (XxxData, XxxResponse, ...) must not be taken by a component.
const GENERATOR_SUFFIXES = ['Data', 'Response', 'Responses', 'Error', 'Errors'];

/** Objects merge key by key; anything else (arrays included) is replaced by ours. */
export function deepMerge(base: Json | undefined, ours: Json): Json {
  if (isObject(base) && isObject(ours)) {
    const out: JsonObject = { ...base };
    for (const [key, value] of Object.entries(ours)) out[key] = deepMerge(base[key], value);
    return out;
  }
  return clone(ours);
}

const isObject = (v: Json | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

// A stable UUID v4 for the B2B examples, so the committed spec does not change from one build to the next.
const EXAMPLE_RQID = '3f9c2a6e-8d41-4b7a-9e25-6c1d0b8f4a73';

export function buildUnified(sources: Sources): JsonObject {
  const { envelope, operations } = sources;
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
    schemas[enrich.request.name] = payloadSchema(envelope, op);
    schemas[enrich.response.name] = resultSchema(op);
    paths[enrich.path] = { post: operation(envelope, op, aes) };
  }

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

function payloadSchema(envelope: EnvelopeSource, op: OperationSource): JsonObject {
  const vendor = dig(op.page, ['components', 'schemas', 'requestBody.Data']) as JsonObject;
  const merged = deepMerge(vendor, op.enrich.request.schema) as JsonObject;
  const { MerchantID: vendorMerchant, ...rest } = (merged.properties ?? {}) as JsonObject;
  const required = ['MerchantID', ...((merged.required ?? []) as string[]).filter((n) => n !== 'MerchantID')];
  return {
    ...merged,
    type: 'object',
    description: `Decrypted request Data of ${op.enrich.operationId} (${op.enrich.path}).`,
    // Unknown fields are refused before sending: a misspelt optional field would otherwise be sent and ignored.
    additionalProperties: false,
    required,
    properties: { MerchantID: deepMerge(vendorMerchant, envelope.payloadMerchantID), ...rest },
  };
}

function resultSchema(op: OperationSource): JsonObject {
  const vendor = dig(op.page, ['components', 'schemas', 'responses.Data']) as JsonObject;
  const merged = deepMerge(vendor, op.enrich.response.schema) as JsonObject;
  return {
    ...merged,
    type: 'object',
    description: `Decrypted response Data of ${op.enrich.operationId} (${op.enrich.path}). Success RtnCode: ${op.enrich.successCodes.join(' or ')}.`,
  };
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
    'x-ecpay-source': enrich.source,
    'x-ecpay-success-codes': clone(enrich.successCodes),
  };
  if (enrich.successCodesDecision) out['x-ecpay-success-codes-decision'] = enrich.successCodesDecision;
  out['x-ecpay-retry'] = retry;
  const vendorStatuses = Object.keys((dig(op.page, ['paths', enrich.path, 'post', 'responses']) ?? {}) as JsonObject).filter((s) => s !== '200');
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
