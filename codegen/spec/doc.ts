// Reading the unified document: its operations, their JSON media, and the decrypted schema x-ecpay-data links to.
import type { Json, JsonObject } from './sources.ts';

export const clone = <T extends Json>(value: T): T => structuredClone(value);

/** Every operation of the document (one POST per path). */
export function operationsOf(doc: JsonObject): JsonObject[] {
  return Object.values(doc.paths as JsonObject).map((item) => (item as JsonObject).post as JsonObject);
}

/** The JSON media of the request body or of the 200 response. */
export function mediaOf(op: JsonObject, side: 'request' | 'response'): JsonObject {
  const holder =
    side === 'request' ? (op.requestBody as JsonObject) : ((op.responses as JsonObject)['200'] as JsonObject);
  return (holder.content as JsonObject)['application/json'] as JsonObject;
}

/** The component name a `{ $ref }` points at. */
export const refName = (refObject: Json | undefined): string =>
  String((refObject as JsonObject | undefined)?.$ref ?? '').replace('#/components/schemas/', '');

/** An operation's callbacks: each form ECPay POSTs to the merchant, its schema's name and the text it expects back. */
export function callbackForms(op: JsonObject): { name: string; post: JsonObject; schemaName: string; reply: string }[] {
  return Object.entries((op.callbacks ?? {}) as JsonObject).map(([name, expressions]) => {
    const post = (Object.values(expressions as JsonObject)[0] as JsonObject).post as JsonObject;
    const form = ((post.requestBody as JsonObject).content as JsonObject)['application/x-www-form-urlencoded'];
    const text = (((post.responses as JsonObject)['200'] as JsonObject).content as JsonObject)['text/plain'];
    return {
      name,
      post,
      schemaName: refName((form as JsonObject).schema),
      reply: String(((text as JsonObject).schema as JsonObject).const),
    };
  });
}

/** The decrypted Data schema's name, from the envelope schema's x-ecpay-data link. */
export const dataSchemaName = (media: JsonObject): string => refName((media.schema as JsonObject)['x-ecpay-data']);
