// The two crossings between a caller's values and ECPay's JSON, both driven by the operation's Data schema.
// Out: one plain snapshot of the payload (what is validated is exactly what is sent), loose-but-lossless input made
// canonical, defaults filled, then every rule checked. Back: ECPay's loose answers made into the declared types.
import { check, holds, type Finding } from './check.ts';
import type { ValidationIssue } from './errors.ts';
import type { Formats } from './formats.ts';
import { fieldName, HARD_RESULT_KEYWORDS, isRecord, typesOf, type Schema } from './schema.ts';

const MAX_DEPTH = 16;

/**
 * A plain copy of the payload: own enumerable fields, each read once (a getter cannot say one thing to the check
 * and another to the encoder), and only values JSON carries the way ECPay's PHP reads them.
 */
function snapshot(
  value: unknown,
  path: (string | number)[],
  issues: ValidationIssue[],
  seen: Set<object>,
  into?: Record<string, unknown>,
): unknown {
  const refuse = (rule: string, text: string) => {
    issues.push({ field: fieldName(path), rule, message: `${fieldName(path)}: ${text}` });
    return undefined;
  };
  switch (typeof value) {
    case 'string':
      return value.isWellFormed()
        ? value
        : refuse('json', "contains a lone UTF-16 surrogate, which ECPay's JSON parser rejects");
    case 'number':
      return Number.isFinite(value) ? value : refuse('json', `must be a finite number (got ${value})`);
    case 'boolean':
      return value;
    case 'bigint':
      return refuse('json', 'is a BigInt, which JSON cannot carry; pass a number or a string');
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      return refuse('json', `is a ${typeof value}, which JSON cannot carry`);
  }
  if (value === null) return null;
  if (seen.has(value)) return refuse('json', 'refers to itself (a cycle), which JSON cannot carry');
  if (path.length >= MAX_DEPTH) return refuse('json', `is nested more than ${MAX_DEPTH} levels deep`);
  if (value instanceof Date) return refuse('json', "is a Date; pass the date as a 'yyyy-MM-dd' string in Taiwan time");
  if (!Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return refuse('json', 'has a toJSON method; pass plain values');
  }
  if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return refuse('json', 'must be a plain object or array');
  }
  seen.add(value);
  let out: unknown;
  // One path array for the whole walk: pushed and popped, copied only into an issue.
  if (Array.isArray(value)) {
    const list: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i += 1) {
      path.push(i);
      list[i] = value[i] === undefined ? refuse('json', 'has no value') : snapshot(value[i], path, issues, seen);
      path.pop();
    }
    out = list;
  } else {
    const copy: Record<string, unknown> = into ?? {};
    for (const key of Object.keys(value)) {
      path.push(key);
      const v = snapshot((value as Record<string, unknown>)[key], path, issues, seen);
      path.pop();
      if (v !== undefined) copy[key] = v;
    }
    out = copy;
  }
  seen.delete(value);
  return out;
}

type Direction = 'request' | 'result';

/**
 * Loose input made canonical, by the schema: a key that differs from a declared field only in case takes the
 * declared spelling (ECPay matches keys without regard to case: `Vat` is `vat`); an optional field given as null
 * (or, in a request, "") is left out, as ECPay treats both as not given; a number where a string is declared, or a
 * numeric string where a number is, becomes the declared type when nothing is lost; a missing field with a default
 * gets it. Anything else is left as it is for the check to judge.
 */
function normalise(schema: Schema | false | undefined, value: unknown, direction: Direction): unknown {
  if (!schema) return value;
  if (isRecord(value) && schema.properties) return normaliseObject(schema, value, direction);
  if (Array.isArray(value) && schema.items) return value.map((item) => normalise(schema.items, item, direction));
  // A single record where a list is declared is a list of one (lossless); only answers get this leniency.
  if (direction === 'result' && isRecord(value) && typesOf(schema)[0] === 'array')
    return [normalise(schema.items, value, direction)];
  return coerce(schema, value);
}

const requiredSets = new WeakMap<Schema, Set<string>>();
const requiredOf = (schema: Schema) => {
  let set = requiredSets.get(schema);
  if (!set) requiredSets.set(schema, (set = new Set(schema.required ?? [])));
  return set;
};

function normaliseObject(
  schema: Schema,
  value: Record<string, unknown>,
  direction: Direction,
): Record<string, unknown> {
  const properties = schema.properties!;
  let byLowerCase: Map<string, string> | undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    let name = key;
    if (!Object.hasOwn(properties, key)) {
      byLowerCase ??= new Map(Object.keys(properties).map((p) => [p.toLowerCase(), p]));
      const declared = byLowerCase.get(key.toLowerCase());
      // Both spellings given: keep both, and let the check refuse the unknown one.
      if (declared !== undefined && !Object.hasOwn(value, declared)) name = declared;
    }
    out[name] = value[key];
  }
  const required = requiredOf(schema);
  for (const name of Object.keys(properties)) {
    const sub = properties[name];
    // Own fields only: a value inherited from a polluted Object.prototype is not the caller's, nor ECPay's.
    const v = Object.hasOwn(out, name) ? out[name] : undefined;
    const given = v !== undefined && !((v === null || (v === '' && direction === 'request')) && !required.has(name));
    if (given) out[name] = normalise(sub, v, direction);
    else if (sub && sub.default !== undefined) out[name] = structuredClone(sub.default);
    else if (v !== undefined) delete out[name];
  }
  return out;
}

function coerce(schema: Schema, value: unknown): unknown {
  const types = typesOf(schema);
  if (types.length !== 1) return value;
  const [type] = types;
  if (type === 'string' && typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return value;
  if (type === 'integer' && /^-?\d{1,15}$/.test(value)) return Number(value);
  if (type === 'number' && /^-?\d{1,15}(\.\d{1,15})?$/.test(value)) return Number(value);
  return value;
}

const toIssue = ({ field, rule, message }: Finding): ValidationIssue => ({ field, rule, message });

/**
 * The payload as it will be sent (MerchantID first, the caller's order after it), with every violation of the
 * operation's rules. Nothing is sent unless `issues` is empty.
 */
export function preparePayload(
  schema: Schema,
  payload: unknown,
  merchantId: string,
  subject: string,
  formats: Formats,
): { body: Record<string, unknown>; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  if (!isRecord(payload)) {
    issues.push({
      field: '(payload)',
      rule: 'object',
      message: "(payload): must be an object of the operation's fields",
    });
    return { body: {}, issues };
  }
  // MerchantID first (the order ECPay's examples and the vectors use); a per-call MerchantID takes its place.
  const plain = snapshot(payload, [], issues, new Set(), { MerchantID: merchantId }) as Record<string, unknown>;
  if (issues.length) return { body: plain, issues };
  // A MerchantID given as null or "" is not given, as for any optional field: the client's own is sent.
  if (plain.MerchantID === null || plain.MerchantID === '') plain.MerchantID = merchantId;
  const body = normalise(schema, plain, 'request') as Record<string, unknown>;
  return { body, issues: check(schema, body, subject, formats).map(toIssue) };
}

/** An answer's Data in the declared types and spellings (nothing judged yet: RtnCode comes first). */
export const normaliseResult = (schema: Schema, data: Record<string, unknown>) =>
  normalise(schema, data, 'result') as Record<string, unknown>;

/**
 * Checks a normalised successful result. `problems` break the declared types or presence (the result would lie
 * about its type); `warnings` are values outside the documented lengths, enums or formats.
 */
export function checkResult(
  schema: Schema,
  result: Record<string, unknown>,
  formats: Formats,
): { problems: ValidationIssue[]; warnings: ValidationIssue[] } {
  const problems: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  for (const finding of check(schema, result, 'the result', formats))
    (HARD_RESULT_KEYWORDS.has(finding.keyword) ? problems : warnings).push(toIssue(finding));
  return { problems, warnings };
}

/** What a success means, by the spec's outcomes (the first whose condition holds), added to the result as `outcome`. */
export function withOutcome(
  outcomes: readonly { outcome: string; when: object }[] | undefined,
  result: Record<string, unknown>,
): Record<string, unknown> {
  const found = outcomes?.find((o) => holds(o.when as Schema, result));
  return found ? { ...result, outcome: found.outcome } : result;
}
