// The one validator of decrypted Data: every keyword of src/schema.ts, checked against a value, every violation
// reported (never the first only), each naming the field, the rule and, inside a condition, when the rule applies.
import { FORMATS } from './formats.ts';
import { checkRule } from './rules.ts';
import { fieldName, isRecord, quote, typeMatches, typesOf, type JsonType, type Path, type Schema } from './schema.ts';

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
  /** Conditions in force, innermost last ("when Print is \"1\""). */
  when: string[];
  /** Names the payload in "not a field of ...". */
  subject: string;
}

export function check(schema: Schema, value: unknown, subject: string): Finding[] {
  const ctx: Ctx = { out: [], dropped: 0, droppedHard: false, when: [], subject };
  visit(schema, value, [], ctx);
  if (ctx.dropped) {
    const message = `and ${ctx.dropped} more problem${ctx.dropped === 1 ? '' : 's'} like these`;
    ctx.out.push({ field: '(more)', rule: 'more', message, keyword: ctx.droppedHard ? 'type' : 'more' });
  }
  return ctx.out;
}

/** Whether the value satisfies the schema (a condition, an anyOf branch). */
export function matches(schema: Schema, value: unknown): boolean {
  const ctx: Ctx = { out: [], dropped: 0, droppedHard: false, when: [], subject: '' };
  visit(schema, value, [], ctx);
  return ctx.out.length === 0 && ctx.dropped === 0;
}

function add(ctx: Ctx, path: Path | string, keyword: string, rule: string, text: string): void {
  if (ctx.out.length >= MAX_FINDINGS) {
    ctx.dropped += 1;
    ctx.droppedHard ||= keyword === 'type' || keyword === 'required';
    return;
  }
  const field = typeof path === 'string' ? path : fieldName(path);
  const when = ctx.when.length ? ` ${ctx.when.join(' and ')}` : '';
  ctx.out.push({ field, rule: rule + when, message: `${field}: ${text}${when}`, keyword });
}

const TYPE_WORDS: Record<JsonType, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false',
  object: 'an object', array: 'a list', null: 'null',
};

function visit(schema: Schema, value: unknown, path: Path, ctx: Ctx): void {
  const types = typesOf(schema);
  if (!typeMatches(types, value)) {
    add(ctx, path, 'type', `type ${types.join(' or ')}`, `must be ${types.map((t) => TYPE_WORDS[t]).join(' or ')} (got ${quote(value)})`);
    return;
  }
  if (schema.const !== undefined && value !== schema.const) {
    add(ctx, path, 'const', `const ${quote(schema.const)}`, `must be ${quote(schema.const)} (got ${quote(value)})`);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    add(ctx, path, 'enum', 'enum', `must be one of ${schema.enum.map(quote).join(', ')} (got ${quote(value)})`);
    return;
  }
  if (typeof value === 'string') visitString(schema, value, path, ctx);
  else if (typeof value === 'number') visitNumber(schema, value, path, ctx);
  else if (Array.isArray(value)) visitArray(schema, value, path, ctx);
  else if (isRecord(value)) visitObject(schema, value, path, ctx);

  for (const sub of schema.allOf ?? []) visit(sub, value, path, ctx);
  // Only conditions use `not` (the normaliser sees to it), so this message is for completeness.
  if (schema.not && matches(schema.not, value)) add(ctx, path, 'not', 'not', `must not be such that ${describeCondition(schema.not)}`);
  if (schema.anyOf && !schema.anyOf.some((branch) => matches(branch, value))) visitAnyOf(schema.anyOf, value, path, ctx);
  if (schema.if) {
    const holds = matches(schema.if, value);
    const branch = holds ? schema.then : schema.else;
    if (branch) {
      ctx.when.push(`${holds ? 'when' : 'unless'} ${describeCondition(schema.if)}`);
      visit(branch, value, path, ctx);
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

function visitString(schema: Schema, value: string, path: Path, ctx: Ctx): void {
  // ECPay counts characters; a character outside the BMP is one, not two UTF-16 units (the looser reading).
  if (schema.maxLength !== undefined && value.length > schema.maxLength && codePoints(value) > schema.maxLength) {
    add(ctx, path, 'maxLength', `maxLength ${schema.maxLength}`, `at most ${schema.maxLength} characters (got ${codePoints(value)})`);
  }
  if (schema.minLength !== undefined && codePoints(value) < schema.minLength) {
    add(ctx, path, 'minLength', `minLength ${schema.minLength}`, schema.minLength === 1 ? 'must not be empty' : `at least ${schema.minLength} characters (got ${codePoints(value)})`);
  }
  if (schema.pattern !== undefined) {
    let re = patterns.get(schema.pattern);
    if (!re) patterns.set(schema.pattern, (re = new RegExp(schema.pattern, 'u')));
    if (!re.test(value)) add(ctx, path, 'pattern', `pattern ${schema.pattern}`, `must match ${schema.pattern} (got ${quote(value)})`);
  }
  if (schema.format !== undefined) {
    const format = FORMATS[schema.format]!;
    const problem = format.problem(value);
    if (problem !== undefined) {
      add(ctx, path, 'format', `format ${schema.format}`, `must be ${format.expects} (got ${quote(value)}${problem ? `: ${problem}` : ''})`);
    }
  }
}

function decimals(n: number): number {
  const [mantissa, exponent] = String(n).split('e');
  const fraction = mantissa!.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

function visitNumber(schema: Schema, value: number, path: Path, ctx: Ctx): void {
  const bound = (keyword: string, ok: boolean, words: string, limit: number) => {
    if (!ok) add(ctx, path, keyword, `${keyword} ${limit}`, `must be ${words} ${limit} (got ${value})`);
  };
  if (schema.minimum !== undefined) bound('minimum', value >= schema.minimum, 'at least', schema.minimum);
  if (schema.maximum !== undefined) bound('maximum', value <= schema.maximum, 'at most', schema.maximum);
  if (schema.exclusiveMinimum !== undefined) bound('exclusiveMinimum', value > schema.exclusiveMinimum, 'more than', schema.exclusiveMinimum);
  if (schema.exclusiveMaximum !== undefined) bound('exclusiveMaximum', value < schema.exclusiveMaximum, 'less than', schema.exclusiveMaximum);
  const places = schema['x-ecpay-decimals'];
  if (places !== undefined && decimals(value) > places) {
    add(ctx, path, 'x-ecpay-decimals', `${places} decimals`, `at most ${places} decimal places (got ${value})`);
  }
}

function visitArray(schema: Schema, value: unknown[], path: Path, ctx: Ctx): void {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    add(ctx, path, 'minItems', `minItems ${schema.minItems}`, `must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'} (got ${value.length})`);
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    add(ctx, path, 'maxItems', `maxItems ${schema.maxItems}`, `must have at most ${schema.maxItems} items (got ${value.length})`);
  }
  if (schema.items) value.forEach((item, i) => visit(schema.items!, item, [...path, i], ctx));
}

function visitObject(schema: Schema, value: Record<string, unknown>, path: Path, ctx: Ctx): void {
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) add(ctx, [...path, name], 'required', 'required', 'required');
  }
  const properties = schema.properties ?? {};
  for (const [name, sub] of Object.entries(properties)) {
    const v = value[name];
    if (v === undefined) continue;
    if (sub === false) add(ctx, [...path, name], 'not', 'not given', 'must not be given');
    else visit(sub, v, [...path, name], ctx);
  }
  if (schema.additionalProperties === false) {
    for (const name of Object.keys(value)) {
      if (!(name in properties)) {
        const where = path.length ? `an item of ${fieldName(path.filter((p) => typeof p === 'string'))}` : ctx.subject;
        add(ctx, [...path, name], 'additionalProperties', 'known field', `not a field of ${where} (known: ${Object.keys(properties).join(', ')})`);
      }
    }
  }
  for (const [key, needed] of Object.entries(schema.dependentRequired ?? {})) {
    if (value[key] === undefined) continue;
    ctx.when.push(`when ${key} is given`);
    for (const name of needed) if (value[name] === undefined) add(ctx, [...path, name], 'required', 'required', 'required');
    ctx.when.pop();
  }
  for (const rule of schema['x-ecpay-rules'] ?? []) {
    if (rule.when && !matches(rule.when as Schema, value)) continue;
    if (rule.when) ctx.when.push(`when ${describeCondition(rule.when as Schema)}`);
    for (const breach of checkRule(rule, value, [...path])) add(ctx, breach.path, 'x-ecpay-rules', breach.rule, breach.text);
    if (rule.when) ctx.when.pop();
  }
}

function visitAnyOf(branches: readonly Schema[], value: unknown, path: Path, ctx: Ctx): void {
  const groups = branches.map((b) => (Object.keys(b).length === 1 && b.required ? b.required : undefined));
  if (groups.every((g) => g !== undefined)) {
    const names = groups.map((g) => g!.join(' + '));
    add(ctx, names.join(' or '), 'anyOf', 'one of', `one of ${names.join(' or ')} must be given`);
    return;
  }
  const reasons = branches.map((b, i) => `(${i + 1}) ${check(b, value, ctx.subject).slice(0, 5).map((f) => f.message).join('; ')}`);
  add(ctx, path, 'anyOf', 'one of', `must satisfy one of: ${reasons.join(' ')}`);
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
    if (Object.keys(not).length !== 1 || !not.required) throw new Error('a negated condition may only be "not: { required: [...] }"');
    for (const name of not.required) parts.push(`${name} is not given`);
  }
  const extra = Object.keys(schema).filter((k) => !['properties', 'required', 'not'].includes(k));
  if (extra.length) throw new Error(`a condition may not use ${extra.join(', ')}`);
  if (!parts.length) throw new Error('an empty condition');
  return parts.join(' and ');
}
