// The two views derived from the unified spec. Plaintext: what the generator sees (bodies are the decrypted Data,
// MerchantID left to the client). Wire: what Prism serves (envelopes only, examples with encrypted Data).
import { callbackForms, clone, dataSchemaName, mediaOf, operationsOf } from './doc.ts';
import { withOutcome } from '../../src/normalise.ts';
import type { Json, JsonObject } from './sources.ts';

/** Each operation's request body and 200 response become its decrypted Data schema; envelopes disappear. */
export function plaintextView(unified: JsonObject): JsonObject {
  const doc = clone(unified);
  const schemas = (doc.components as JsonObject).schemas as JsonObject;
  const keep: JsonObject = {};
  for (const op of operationsOf(doc)) {
    const successCodes = op['x-ecpay-success-codes'] as number[];
    for (const side of ['request', 'response'] as const) {
      const m = mediaOf(op, side);
      const name = dataSchemaName(m);
      const schema = clone(schemas[name]!) as JsonObject;
      if (side === 'request') {
        typesOnly(schema);
        // The client injects MerchantID (a platform vendor may still pass one per call).
        schema.required = (schema.required as string[]).filter((n) => n !== 'MerchantID');
      } else widenEnums(schema);
      keep[name] = schema;
      m.schema = { $ref: `#/components/schemas/${name}` };
      const examples: JsonObject = {};
      for (const [exName, ex] of Object.entries(m.examples as JsonObject)) {
        const plain = (ex as JsonObject)['x-ecpay-data'];
        if (plain === null || plain === undefined) continue; // envelope failures have no plaintext
        const { value: _wire, 'x-ecpay-data': _plain, ...meta } = ex as JsonObject;
        if (side === 'request') examples[exName] = { ...meta, value: withoutEmpty(schemas[name] as JsonObject, plain) };
        // A failure is an error, not this operation's result: only successes, as the client returns them.
        else if (successCodes.includes(Number((plain as JsonObject).RtnCode)))
          examples[exName] = {
            ...meta,
            value: asReturned(
              op['x-ecpay-outcomes'] as { outcome: string; when: object }[] | undefined,
              op['x-ecpay-records-date'] as string | undefined,
              plain as JsonObject,
            ),
          };
      }
      m.examples = examples;
    }
    const ok = (op.responses as JsonObject)['200'] as JsonObject;
    ok.description = 'The decrypted Data of a successful response.';
    for (const { schemaName } of callbackForms(op)) keep[schemaName] = schemas[schemaName]!;
  }
  (doc.components as JsonObject).schemas = keep;
  delete doc['x-ecpay-example-credentials'];
  (doc.info as JsonObject).description =
    'PLAINTEXT VIEW of the unified spec (spec/openapi.yaml), for the client generator: each request body and 200 ' +
    'response is the decrypted Data; the client adds MerchantID, the envelope and the encryption.';
  return doc;
}

/**
 * A request example as the client sends it: optional fields given as "" or null (Odoo's and the .NET SDK's habit,
 * which ECPay reads as not given) are left out, so that the example validates against the plain schema.
 */
function withoutEmpty(schema: JsonObject, value: Json): Json {
  if (Array.isArray(value)) return value.map((v) => withoutEmpty((schema.items ?? {}) as JsonObject, v));
  if (value === null || typeof value !== 'object') return value;
  const props = (schema.properties ?? {}) as JsonObject;
  const required = (schema.required ?? []) as string[];
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => !((v === '' || v === null) && !required.includes(k)))
      .map(([k, v]) => [k, props[k] ? withoutEmpty(props[k] as JsonObject, v) : v]),
  );
}

// Conditions and cross-field rules become `unknown & {...}` or nothing in generated types; the runtime enforces
// them from the unified spec (generated/operations/*.gen.ts), so the generator sees fields and types only.
const RUNTIME_ONLY = ['allOf', 'anyOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'x-ecpay-rules'];

function typesOnly(schema: JsonObject): void {
  for (const key of RUNTIME_ONLY) delete schema[key];
  const props = (schema.properties ?? {}) as JsonObject;
  // A field with a default is filled in by the client: optional to the caller.
  if (schema.required)
    schema.required = (schema.required as string[]).filter(
      (n) => (props[n] as JsonObject | undefined)?.default === undefined,
    );
  for (const sub of Object.values(props)) typesOnly(sub as JsonObject);
  if (schema.items) typesOnly(schema.items as JsonObject);
}

/** The date an example answer is taken to have come on, for the field the client records it in (recordsDate). */
const EXAMPLE_ANSWER_DATE = '2026-01-02';

/** A success example with the fields the client adds (its outcome, a recorded date), as a caller receives it. */
export function asReturned(
  outcomes: readonly { outcome: string; when: object }[] | undefined,
  recordsDate: string | undefined,
  value: JsonObject,
): JsonObject {
  const out = withOutcome(outcomes, { ...value }) as JsonObject;
  if (recordsDate && out[recordsDate] === undefined) out[recordsDate] = EXAMPLE_ANSWER_DATE;
  return out;
}

/**
 * A result's enum is what ECPay documents, not a promise: the type says string or number, the description lists.
 * The client's own fields (x-ecpay-client: the outcome) keep theirs: the client produces only those values.
 */
function widenEnums(schema: JsonObject): void {
  if (Array.isArray(schema.enum) && !schema['x-ecpay-client']) {
    const known = `Documented values: ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}.`;
    schema.description = schema.description ? `${String(schema.description)} ${known}` : known;
    delete schema.enum;
  }
  for (const sub of Object.values((schema.properties ?? {}) as JsonObject)) widenEnums(sub as JsonObject);
  if (schema.items) widenEnums(schema.items as JsonObject);
}

/** Envelopes only: the decrypted schemas and every plaintext link are removed. */
export function wireView(unified: JsonObject): JsonObject {
  const doc = clone(unified);
  const schemas = (doc.components as JsonObject).schemas as JsonObject;
  for (const op of operationsOf(doc)) {
    for (const side of ['request', 'response'] as const) {
      const m = mediaOf(op, side);
      const schema = m.schema as JsonObject;
      delete schemas[dataSchemaName(m)];
      delete schema['x-ecpay-data'];
      for (const ex of Object.values(m.examples as JsonObject)) delete (ex as JsonObject)['x-ecpay-data'];
    }
  }
  (doc.info as JsonObject).description =
    "WIRE VIEW of the unified spec (spec/openapi.yaml), for the Prism mock: envelopes only. The examples' Data is " +
    "encrypted with ECPay's public stage key, so a client decrypts real plaintext; pick one with `Prefer: example=NAME`.";
  return doc;
}
