// The decrypted Data schemas: merged from their sources, completed (conditions state what they need, request
// objects refuse unknown fields), and checked against what the client enforces. A keyword src/check.ts does not
// enforce is refused here, so nothing in the spec is decoration; every rule that can be checked at build time is.
import { check, describeCondition } from '../../src/check.ts';
import { FORMATS } from '../../src/formats.ts';
import { rulePaths, type Rule } from '../../src/rules.ts';
import {
  CONDITION_KEYWORDS,
  isRecord as isObject,
  REQUEST_KEYWORDS,
  RESULT_KEYWORDS,
  typeMatches,
  typesOf,
  type Schema,
} from '../../src/schema.ts';
import { clone } from './doc.ts';
import type { Json, JsonObject } from './sources.ts';

/**
 * Merges schema sources in order (the page's, then shared groups, then ours): objects key by key, `required` as a
 * union, `allOf` and `x-ecpay-rules` appended; anything else is replaced by the later source.
 */
export function mergeSchemas(base: Json | undefined, ours: Json): Json {
  if (isObject(base) && isObject(ours)) {
    const out: JsonObject = { ...base };
    for (const [key, value] of Object.entries(ours)) {
      const before = base[key];
      if (key === 'required' && Array.isArray(before) && Array.isArray(value))
        out[key] = [...new Set([...before, ...value])];
      else if ((key === 'allOf' || key === 'x-ecpay-rules') && Array.isArray(before) && Array.isArray(value))
        out[key] = [...before, ...value];
      else out[key] = mergeSchemas(before, value);
    }
    return out;
  }
  return clone(ours);
}

type Side = 'request' | 'result';

/**
 * Completes a merged request schema in place: every object that declares fields refuses unknown ones (a misspelt
 * optional field would otherwise be sent and ignored), and a condition on a field's value also requires the field,
 * so that "Print is 1" does not hold for a payload without Print (plain JSON Schema would say it does).
 */
export function completeRequest(schema: JsonObject): void {
  const walk = (node: Json | undefined, declaring: boolean): void => {
    if (!isObject(node)) return;
    if (declaring && node.properties) node.additionalProperties = false;
    if (isObject(node.if)) {
      const constrained = Object.entries((node.if.properties ?? {}) as JsonObject)
        .filter(([, v]) => v !== false)
        .map(([k]) => k);
      if (constrained.length)
        node.if.required = [...new Set([...((node.if.required ?? []) as string[]), ...constrained])];
    }
    for (const sub of Object.values((node.properties ?? {}) as JsonObject)) walk(sub, declaring);
    walk(node.items, declaring);
    for (const key of ['then', 'else'] as const) walk(node[key], false);
    for (const sub of (node.allOf ?? []) as Json[]) walk(sub, false);
  };
  walk(schema, true);
}

/**
 * Throws, naming the place, when a Data schema uses a keyword the client does not enforce, leaves a field untyped,
 * names a field it does not declare, uses an unknown format, a condition that cannot be said in words, or a rule
 * over fields that are not numbers. `where` prefixes every message.
 */
export function checkDataSchema(schema: JsonObject, side: Side, where: string): void {
  const allowed = new Set<string>(side === 'request' ? REQUEST_KEYWORDS : RESULT_KEYWORDS);
  const fail = (at: string, message: string): never => {
    throw new Error(`${where}: ${at || '(root)'} ${message}`);
  };

  // `declared` is the object that declares the fields at this place; a constraint (then, allOf, ...) may only
  // speak of fields it declares.
  const walk = (node: Json, at: string, declared: JsonObject, declaring: boolean): void => {
    if (!isObject(node)) fail(at, 'must be a schema object');
    const n = node as JsonObject;
    for (const key of Object.keys(n)) {
      if (!allowed.has(key) && !(key === 'additionalProperties' && side === 'request')) {
        fail(at, `has "${key}", which is not a keyword the client enforces (allowed: ${[...allowed].join(', ')})`);
      }
    }
    if (n.additionalProperties !== undefined && n.additionalProperties !== false)
      fail(at, 'may only say additionalProperties: false');
    if (declaring && n.type === undefined) fail(at, 'needs a type');
    for (const t of typesOf(n as Schema)) {
      if (!['string', 'integer', 'number', 'boolean', 'object', 'array', 'null'].includes(t))
        fail(at, `has an unknown type ${t}`);
    }
    if (n.format !== undefined && !FORMATS[n.format as string])
      fail(at, `has format ${String(n.format)}; known: ${Object.keys(FORMATS).join(', ')}`);
    if (typeof n.pattern === 'string') {
      try {
        new RegExp(n.pattern, 'u');
      } catch (e) {
        fail(at, `has a pattern that does not compile: ${(e as Error).message}`);
      }
    }
    const types = typesOf(n as Schema);
    for (const v of (n.enum ?? []) as Json[])
      if (!typeMatches(types, v))
        fail(at, `lists ${JSON.stringify(v)} in enum, which is not of its type ${types.join('|')}`);
    if (n.default !== undefined) {
      const found = check(n as Schema, n.default, at, FORMATS);
      if (found.length) fail(at, `has a default that breaks its own rules: ${found[0]!.message}`);
    }
    const props = (n.properties ?? {}) as JsonObject;
    const names = declaring ? props : ((declared.properties ?? {}) as JsonObject);
    for (const name of [
      ...((n.required ?? []) as string[]),
      ...Object.keys((n.dependentRequired ?? {}) as JsonObject),
      ...(Object.values((n.dependentRequired ?? {}) as JsonObject).flat() as string[]),
    ]) {
      if (!(name in names) && !(name in props)) fail(at, `names ${name}, which is not one of its fields`);
    }
    for (const [name, sub] of Object.entries(props)) {
      const place = at ? `${at}.${name}` : name;
      if (sub === false) {
        if (declaring) fail(place, 'is declared as false; only a condition or a then/else may forbid a field');
        continue;
      }
      if (!declaring && !(name in ((declared.properties ?? {}) as JsonObject))) fail(place, 'is not a declared field');
      const inner = declaring ? (sub as JsonObject) : (((declared.properties ?? {}) as JsonObject)[name] as JsonObject);
      walk(sub, place, inner, declaring);
    }
    if (n.items !== undefined)
      walk(n.items, `${at}[]`, declaring ? (n.items as JsonObject) : ((declared.items ?? {}) as JsonObject), declaring);
    for (const [i, sub] of ((n.allOf ?? []) as Json[]).entries()) walk(sub, `${at} allOf[${i}]`, declared, false);
    for (const [i, sub] of ((n.anyOf ?? []) as Json[]).entries()) walk(sub, `${at} anyOf[${i}]`, declared, false);
    for (const key of ['then', 'else'] as const)
      if (n[key] !== undefined) walk(n[key], `${at} ${key}`, declared, false);
    if ((n.then !== undefined || n.else !== undefined) && n.if === undefined) fail(at, 'has then/else without if');
    if (n.if !== undefined) checkCondition(n.if, `${at} if`, declared);
    for (const [i, rule] of ((n['x-ecpay-rules'] ?? []) as Json[]).entries())
      checkRule(rule as unknown as Rule, `${at} x-ecpay-rules[${i}]`, declared);
  };

  const checkCondition = (cond: Json, at: string, declared: JsonObject): void =>
    checkConditionOn(cond, declared, `${where}: ${at}`);

  const checkRule = (rule: Rule, at: string, declared: JsonObject): void => {
    const keys = Object.keys(rule);
    const shape = 'unique' in rule ? ['unique', 'when'] : ['field', 'equals', 'tolerance', 'when'];
    const extra = keys.filter((k) => !shape.includes(k));
    if (extra.length || (!('unique' in rule) && (!('field' in rule) || !('equals' in rule)))) {
      fail(at, `must be { field, equals, tolerance?, when? } or { unique, when? } (has ${keys.join(', ')})`);
    }
    if (rule.when) checkCondition(rule.when as Json, `${at} when`, declared);
    for (const path of rulePaths(rule)) {
      const [array, inner] = path.includes('[].') ? path.split('[].') : [path, undefined];
      let field = ((declared.properties ?? {}) as JsonObject)[array!] as JsonObject | undefined;
      if (field && inner !== undefined)
        field = ((((field.items ?? {}) as JsonObject).properties ?? {}) as JsonObject)[inner] as JsonObject | undefined;
      if (!field) fail(at, `reads ${path}, which is not a declared field`);
      if (!('unique' in rule) && !typesOf(field as Schema).every((t) => t === 'integer' || t === 'number'))
        fail(at, `reads ${path}, which is not a number`);
    }
  };

  walk(schema, '', schema, true);
}

/** A condition (`if`, a rule's `when`, an outcome's `when`) can be said in words and names declared fields only. */
export function checkConditionOn(cond: Json, declared: JsonObject, at: string): void {
  const fail = (message: string): never => {
    throw new Error(`${at} ${message}`);
  };
  if (!isObject(cond)) fail('must be an object');
  for (const key of Object.keys(cond as JsonObject)) {
    if (!(CONDITION_KEYWORDS as readonly string[]).includes(key))
      fail(`may only use ${CONDITION_KEYWORDS.join(', ')} (has ${key})`);
  }
  try {
    describeCondition(cond as Schema);
  } catch (e) {
    fail((e as Error).message);
  }
  const c = cond as Schema;
  const fields = (declared.properties ?? {}) as JsonObject;
  for (const name of [...Object.keys(c.properties ?? {}), ...(c.required ?? []), ...(c.not?.required ?? [])]) {
    if (!(name in fields)) fail(`speaks of ${name}, which is not a declared field`);
  }
  for (const [name, sub] of Object.entries(c.properties ?? {})) {
    if (sub === false) continue;
    for (const v of sub.enum ?? [sub.const]) {
      if (!typeMatches(typesOf(fields[name] as Schema), v))
        fail(`compares ${name} with ${JSON.stringify(v)}, which is not of its type`);
    }
  }
}
