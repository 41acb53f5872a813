// The one validator of decrypted Data: every keyword of src/schema.ts, checked against a value, every violation
// reported (never the first only), each naming the field, the rule and, inside a condition, when the rule applies.
import type { Formats } from './formats.ts';
import { checkRule } from './rules.ts';
import {
  CONDITION_KEYWORDS,
  fieldName,
  HARD_RESULT_KEYWORDS,
  isRecord,
  quote,
  typeMatches,
  typesOf,
  type JsonType,
  type Path,
  type Schema,
} from './schema.ts';

export interface Finding {
  field: string;
  /** The rule broken, e.g. "maxLength 30", "required when Print is \"1\"". */
  rule: string;
  message: string;
  /** The schema keyword that caught it (decides hard vs soft for results). */
  keyword: string;
}

/** At most this many findings are kept (a result with 300 000 malformed items must not build 300 000 messages). */
const MAX_FINDINGS = 100;

interface Ctx {
  out: Finding[];
  /** Findings beyond MAX_FINDINGS: counted, and whether any of them was a hard one (a type or a presence). */
  dropped: number;
  droppedHard: boolean;
  /** Conditions in force, innermost last: rendered into a message only when a finding is made. */
  when: { word: 'when' | 'unless'; condition: Schema | string }[];
  /** Where the value being checked sits: pushed and popped as the walk goes, copied only into a finding. */
  path: (string | number)[];
  /** Names the payload in "not a field of ...". */
  subject: string;
  /** A probe (a condition, an anyOf branch) only wants to know whether anything fails: no messages, stop at once. */
  probe: boolean;
  failed: boolean;
  /** The format checkers the schema names: the operation's own, so that a bundle carries only those. */
  formats: Formats;
}

const newCtx = (subject: string, probe: boolean, formats: Formats): Ctx => ({
  out: [],
  dropped: 0,
  droppedHard: false,
  when: [],
  path: [],
  subject,
  probe,
  failed: false,
  formats,
});

export function check(schema: Schema, value: unknown, subject: string, formats: Formats): Finding[] {
  const ctx = newCtx(subject, false, formats);
  visit(schema, value, ctx);
  if (ctx.dropped) {
    const message = `and ${ctx.dropped} more problem${ctx.dropped === 1 ? '' : 's'} like these`;
    ctx.out.push({ field: '(more)', rule: 'more', message, keyword: ctx.droppedHard ? 'type' : 'more' });
  }
  return ctx.out;
}

/** Whether the value satisfies the schema (a condition, an anyOf branch). */
function matches(schema: Schema, value: unknown, formats: Formats): boolean {
  const ctx = newCtx('', true, formats);
  visit(schema, value, ctx);
  return !ctx.failed;
}

const NO_FORMATS: Formats = Object.freeze({});

type Predicate = (value: Record<string, unknown>) => boolean;
const conditions = new WeakMap<Schema, Predicate>();

/**
 * Whether a condition (`if`, a rule's `when`) holds: the condition's restricted form (src/schema.ts
 * CONDITION_KEYWORDS, which the normaliser enforces) compiled once into a predicate, as they are checked on every call.
 */
export function holds(condition: Schema, value: unknown): boolean {
  // A condition names no format (CONDITION_KEYWORDS), so it needs no checkers.
  if (!isRecord(value)) return matches(condition, value, NO_FORMATS);
  let test = conditions.get(condition);
  if (!test) conditions.set(condition, (test = compileCondition(condition)));
  return test(value);
}

function compileCondition(c: Schema): Predicate {
  const tests: Predicate[] = [];
  for (const name of c.required ?? []) tests.push((v) => own(v, name) !== undefined);
  for (const name of c.not?.required ?? []) tests.push((v) => own(v, name) === undefined);
  for (const [name, sub] of Object.entries(c.properties ?? {})) {
    if (sub === false) tests.push((v) => own(v, name) === undefined);
    else if (sub.const !== undefined) tests.push((v) => own(v, name) === undefined || v[name] === sub.const);
    else if (sub.enum) tests.push((v) => own(v, name) === undefined || sub.enum!.includes(v[name]));
  }
  return (v) => tests.every((t) => t(v));
}

/** A field of the checked object itself: one inherited from a polluted Object.prototype does not count as given. */
const own = (value: Record<string, unknown>, name: string) => (Object.hasOwn(value, name) ? value[name] : undefined);

/**
 * Records a finding at the current path (or at `child` below it, or at the absolute `at`). `detail` builds the rule
 * and the text only when a finding is kept, so a probe or a capped report costs no string work.
 */
function add(
  ctx: Ctx,
  keyword: string,
  detail: () => [rule: string, text: string],
  child?: string | number,
  at?: Path | string,
): void {
  ctx.failed = true;
  if (ctx.probe) return;
  if (ctx.out.length >= MAX_FINDINGS) {
    ctx.dropped += 1;
    ctx.droppedHard ||= HARD_RESULT_KEYWORDS.has(keyword);
    return;
  }
  const field = typeof at === 'string' ? at : fieldName(at ?? (child === undefined ? ctx.path : [...ctx.path, child]));
  const when = ctx.when.length
    ? ` ${ctx.when.map((w) => `${w.word} ${typeof w.condition === 'string' ? w.condition : describeCondition(w.condition)}`).join(' and ')}`
    : '';
  const [rule, text] = detail();
  ctx.out.push({ field, rule: rule + when, message: `${field}: ${text}${when}`, keyword });
}

const TYPE_WORDS: Record<JsonType, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function visit(schema: Schema, value: unknown, ctx: Ctx): void {
  const types = typesOf(schema);
  if (!typeMatches(types, value)) {
    add(ctx, 'type', () => [
      `type ${types.join(' or ')}`,
      `must be ${types.map((t) => TYPE_WORDS[t]).join(' or ')} (got ${quote(value)})`,
    ]);
    return;
  }
  if (schema.const !== undefined && value !== schema.const) {
    add(ctx, 'const', () => [`const ${quote(schema.const)}`, `must be ${quote(schema.const)} (got ${quote(value)})`]);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    add(ctx, 'enum', () => ['enum', `must be one of ${schema.enum!.map(quote).join(', ')} (got ${quote(value)})`]);
    return;
  }
  if (typeof value === 'string') visitString(schema, value, ctx);
  else if (typeof value === 'number') visitNumber(schema, value, ctx);
  else if (Array.isArray(value)) visitArray(schema, value, ctx);
  else if (isRecord(value)) visitObject(schema, value, ctx);
  if (ctx.probe && ctx.failed) return;

  if (schema.allOf) for (const sub of schema.allOf) visit(sub, value, ctx);
  // Only conditions use `not` (the normaliser sees to it), so this message is for completeness.
  if (schema.not && matches(schema.not, value, ctx.formats))
    add(ctx, 'not', () => ['not', `must not be such that ${describeCondition(schema.not!)}`]);
  if (schema.anyOf && !schema.anyOf.some((branch) => matches(branch, value, ctx.formats)))
    visitAnyOf(schema.anyOf, value, ctx);
  if (schema.if) {
    const held = holds(schema.if, value);
    const branch = held ? schema.then : schema.else;
    if (branch) {
      ctx.when.push({ word: held ? 'when' : 'unless', condition: schema.if });
      visit(branch, value, ctx);
      ctx.when.pop();
    }
  }
}

const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};
const patterns = new Map<string, RegExp>();

function visitString(schema: Schema, value: string, ctx: Ctx): void {
  // ECPay counts characters; a character outside the BMP is one, not two UTF-16 units (the looser reading).
  const max = schema.maxLength;
  if (max !== undefined && value.length > max && codePoints(value) > max) {
    add(ctx, 'maxLength', () => [`maxLength ${max}`, `at most ${max} characters (got ${codePoints(value)})`]);
  }
  const min = schema.minLength;
  if (min !== undefined && (value.length < min || (value.length < 2 * min && codePoints(value) < min))) {
    add(ctx, 'minLength', () => [
      `minLength ${min}`,
      min === 1 ? 'must not be empty' : `at least ${min} characters (got ${codePoints(value)})`,
    ]);
  }
  if (schema.pattern !== undefined) {
    let re = patterns.get(schema.pattern);
    if (!re) patterns.set(schema.pattern, (re = new RegExp(schema.pattern, 'u')));
    if (!re.test(value))
      add(ctx, 'pattern', () => [`pattern ${schema.pattern}`, `must match ${schema.pattern} (got ${quote(value)})`]);
  }
  if (schema.format !== undefined) {
    const format = ctx.formats[schema.format];
    // The generator hands every operation the formats its schemas name: a missing one is a stale generated module.
    if (!format) throw new Error(`format ${schema.format} was not handed to the validator: run \`make generate\``);
    const problem = format.problem(value);
    if (problem !== undefined) {
      add(ctx, 'format', () => [
        `format ${schema.format}`,
        `must be ${format.expects} (got ${quote(value)}${problem ? `: ${problem}` : ''})`,
      ]);
    }
  }
}

function decimals(n: number): number {
  if (Number.isInteger(n)) return 0;
  const [mantissa, exponent] = String(n).split('e');
  const fraction = mantissa!.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

function visitNumber(schema: Schema, value: number, ctx: Ctx): void {
  const bound = (keyword: string, ok: boolean, words: string, limit: number) => {
    if (!ok) add(ctx, keyword, () => [`${keyword} ${limit}`, `must be ${words} ${limit} (got ${value})`]);
  };
  if (schema.minimum !== undefined) bound('minimum', value >= schema.minimum, 'at least', schema.minimum);
  if (schema.maximum !== undefined) bound('maximum', value <= schema.maximum, 'at most', schema.maximum);
  if (schema.exclusiveMinimum !== undefined)
    bound('exclusiveMinimum', value > schema.exclusiveMinimum, 'more than', schema.exclusiveMinimum);
  if (schema.exclusiveMaximum !== undefined)
    bound('exclusiveMaximum', value < schema.exclusiveMaximum, 'less than', schema.exclusiveMaximum);
  const places = schema['x-ecpay-decimals'];
  if (places !== undefined && decimals(value) > places) {
    add(ctx, 'x-ecpay-decimals', () => [`${places} decimals`, `at most ${places} decimal places (got ${value})`]);
  }
}

function visitArray(schema: Schema, value: unknown[], ctx: Ctx): void {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    const min = schema.minItems;
    add(ctx, 'minItems', () => [
      `minItems ${min}`,
      `must have at least ${min} item${min === 1 ? '' : 's'} (got ${value.length})`,
    ]);
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    const max = schema.maxItems;
    add(ctx, 'maxItems', () => [`maxItems ${max}`, `must have at most ${max} items (got ${value.length})`]);
  }
  const items = schema.items;
  if (!items) return;
  for (let i = 0; i < value.length; i += 1) {
    ctx.path.push(i);
    visit(items, value[i], ctx);
    ctx.path.pop();
    if (ctx.probe && ctx.failed) return;
  }
}

function visitObject(schema: Schema, value: Record<string, unknown>, ctx: Ctx): void {
  if (schema.required) {
    for (const name of schema.required)
      if (own(value, name) === undefined) add(ctx, 'required', () => ['required', 'required'], name);
  }
  const properties = schema.properties;
  if (properties) {
    for (const name of Object.keys(properties)) {
      const v = own(value, name);
      if (v === undefined) continue;
      const sub = properties[name]!;
      if (sub === false) add(ctx, 'not', () => ['not given', 'must not be given'], name);
      else {
        ctx.path.push(name);
        visit(sub, v, ctx);
        ctx.path.pop();
      }
      if (ctx.probe && ctx.failed) return;
    }
  }
  if (schema.additionalProperties === false) {
    for (const name of Object.keys(value)) {
      if (properties && Object.hasOwn(properties, name)) continue;
      const path = ctx.path;
      const where = path.length ? `an item of ${fieldName(path.filter((p) => typeof p === 'string'))}` : ctx.subject;
      add(
        ctx,
        'additionalProperties',
        () => ['known field', `not a field of ${where} (known: ${Object.keys(properties ?? {}).join(', ')})`],
        name,
      );
    }
  }
  if (schema.dependentRequired) {
    for (const key of Object.keys(schema.dependentRequired)) {
      if (own(value, key) === undefined) continue;
      ctx.when.push({ word: 'when', condition: `${key} is given` });
      for (const name of schema.dependentRequired[key]!)
        if (own(value, name) === undefined) add(ctx, 'required', () => ['required', 'required'], name);
      ctx.when.pop();
    }
  }
  const rules = schema['x-ecpay-rules'];
  if (rules) {
    for (const rule of rules) {
      if (rule.when && !holds(rule.when as Schema, value)) continue;
      if (rule.when) ctx.when.push({ word: 'when', condition: rule.when as Schema });
      for (const breach of checkRule(rule, value, ctx.path))
        add(ctx, 'x-ecpay-rules', () => [breach.rule, breach.text], undefined, breach.path);
      if (rule.when) ctx.when.pop();
    }
  }
}

function visitAnyOf(branches: readonly Schema[], value: unknown, ctx: Ctx): void {
  if (ctx.probe) {
    add(ctx, 'anyOf', () => ['', '']);
    return;
  }
  const groups = branches.map((b) => (Object.keys(b).length === 1 && b.required ? b.required : undefined));
  if (groups.every((g) => g !== undefined)) {
    const names = groups.map((g) => g!.join(' + ')).join(' or ');
    add(ctx, 'anyOf', () => ['one of', `one of ${names} must be given`], undefined, names);
    return;
  }
  const reasons = branches.map(
    (b, i) =>
      `(${i + 1}) ${check(b, value, ctx.subject, ctx.formats)
        .slice(0, 5)
        .map((f) => f.message)
        .join('; ')}`,
  );
  add(ctx, 'anyOf', () => ['one of', `must satisfy one of: ${reasons.join(' ')}`]);
}

/**
 * A condition in words: 'Print is "1"', 'CarrierType is "4" or "5"', 'CustomerIdentifier is given',
 * 'CarrierType is not given'. Throws on a condition it cannot say; the normaliser calls it on every condition.
 */
export function describeCondition(schema: Schema): string {
  const parts: string[] = [];
  const constrained = new Set<string>();
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    constrained.add(name);
    if (sub === false) parts.push(`${name} is not given`);
    else if (sub.const !== undefined && Object.keys(sub).length === 1) parts.push(`${name} is ${quote(sub.const)}`);
    else if (sub.enum && Object.keys(sub).length === 1) parts.push(`${name} is ${sub.enum.map(quote).join(' or ')}`);
    else throw new Error(`a condition on ${name} may only use const or enum`);
  }
  for (const name of schema.required ?? []) if (!constrained.has(name)) parts.push(`${name} is given`);
  if (schema.not) {
    const not = schema.not;
    if (Object.keys(not).length !== 1 || !not.required)
      throw new Error('a negated condition may only be "not: { required: [...] }"');
    for (const name of not.required) parts.push(`${name} is not given`);
  }
  const extra = Object.keys(schema).filter((k) => !(CONDITION_KEYWORDS as readonly string[]).includes(k));
  if (extra.length) throw new Error(`a condition may not use ${extra.join(', ')}`);
  if (!parts.length) throw new Error('an empty condition');
  return parts.join(' and ');
}
