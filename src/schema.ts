// The subset of JSON Schema (plus ECPay extensions) that the spec may use for decrypted Data, and that the runtime
// enforces. codegen/spec imports these lists and refuses any other keyword, so nothing in the spec is decoration.
import type { Rule } from './rules.ts';

export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/** A Data schema as the generated registry carries it: documentation stripped, rules kept. */
export interface Schema {
  type?: JsonType | JsonType[];
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  /** Most digits after the decimal point (ECPay's "Number(8+7)" is maximum 99999999.9999999 and 7 decimals). */
  'x-ecpay-decimals'?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Readonly<Record<string, Schema | false>>;
  required?: readonly string[];
  additionalProperties?: boolean;
  dependentRequired?: Readonly<Record<string, readonly string[]>>;
  allOf?: readonly Schema[];
  anyOf?: readonly Schema[];
  not?: Schema;
  if?: Schema;
  then?: Schema;
  else?: Schema;
  'x-ecpay-rules'?: readonly Rule[];
}

/** Keywords that only document: kept in the spec, stripped from the registry, never checked. */
export const DOC_KEYWORDS = [
  'title',
  'description',
  'examples',
  'deprecated',
  'x-ecpay-decision',
  'x-ecpay-source',
  'x-ecpay-enum-descriptions',
  'x-ecpay-client',
] as const;

/** Keywords whose value is data (a value to match or fill in), never a schema: walkers do not descend into them. */
export const LITERAL_KEYWORDS: ReadonlySet<string> = new Set(['enum', 'const', 'default']);

/** The keywords about one value, in requests and results alike. */
const VALUE_KEYWORDS = [
  'type',
  'enum',
  'const',
  'default',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
] as const;

// The two lists below are read by the normaliser only: built in calls marked pure, so that a bundle of the client,
// which never reads them, leaves them out (a bundler keeps a top-level array spread, in case it has side effects).
/** Everything a request Data schema may say; each is enforced before anything is sent (src/check.ts). */
export const REQUEST_KEYWORDS = /* @__PURE__ */ (() =>
  [
    ...DOC_KEYWORDS,
    ...VALUE_KEYWORDS,
    'exclusiveMinimum',
    'exclusiveMaximum',
    'x-ecpay-decimals',
    'items',
    'minItems',
    'maxItems',
    'properties',
    'required',
    'additionalProperties',
    'dependentRequired',
    'allOf',
    'anyOf',
    'if',
    'then',
    'else',
    'x-ecpay-rules',
  ] as const)();

/**
 * What a result Data schema may say. Types, presence and defaults decide the typed result (a value is coerced to
 * its declared type where that is lossless); the value keywords are checked too, but a reported value that breaks
 * them only raises a warning: ECPay already did the thing, so a quibble must not turn a success into an error.
 */
export const RESULT_KEYWORDS = /* @__PURE__ */ (() =>
  [...DOC_KEYWORDS, ...VALUE_KEYWORDS, 'items', 'properties', 'required'] as const)();

/** The only keywords a condition (`if`, a rule's `when`) may use, so that every condition can be said in words. */
export const CONDITION_KEYWORDS = ['properties', 'required', 'not'] as const;

/** Result keywords whose breach is a hard error (the typed result would lie); the others only warn. */
export const HARD_RESULT_KEYWORDS = new Set(['type', 'required']);

export type Path = readonly (string | number)[];

/** "Items[2].ItemName": how a user finds the field in the payload they wrote. */
export function fieldName(path: Path): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out || '(payload)';
}

const NO_TYPES: readonly JsonType[] = [];
const SINGLE = new Map<JsonType, readonly JsonType[]>();

export const typesOf = (schema: Schema): readonly JsonType[] => {
  const type = schema.type;
  if (type === undefined) return NO_TYPES;
  if (Array.isArray(type)) return type;
  let one = SINGLE.get(type as JsonType);
  if (!one) SINGLE.set(type as JsonType, (one = [type as JsonType]));
  return one;
};

function matchesType(type: JsonType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isRecord(value);
  }
}

export function typeMatches(types: readonly JsonType[], value: unknown): boolean {
  if (!types.length) return true;
  for (const type of types) if (matchesType(type, value)) return true;
  return false;
}

/** The value at a dotted path ("IssueModel.RelateNumber"), or undefined where the path leaves the objects. */
export function dig(obj: unknown, dotted: string): unknown {
  const step = (at: unknown, key: string) =>
    at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  // Most paths are one field: no array to split them into.
  return dotted.includes('.') ? dotted.split('.').reduce(step, obj) : step(obj, dotted);
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A value as a message quotes it: JSON, cut short, with the characters JSON leaves raw but a log line should not
 * (DEL, C1 controls, U+2028/2029) escaped. Never throws, however deep or odd the value.
 */
export function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Too deep for JSON.stringify (String() of a deep array overflows too), or a value JSON cannot show.
    text = Array.isArray(value)
      ? '[a list too deep to show]'
      : value !== null && typeof value === 'object'
        ? '{an object too deep to show}'
        : typeof value;
  }
  text = text.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
