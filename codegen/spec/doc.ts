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

/** The decrypted Data schema's name, from the envelope schema's x-ecpay-data link. */
export const dataSchemaName = (media: JsonObject): string => refName((media.schema as JsonObject)['x-ecpay-data']);
