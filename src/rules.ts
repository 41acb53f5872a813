// Cross-field rules (`x-ecpay-rules` on an object schema): arithmetic the pages state between fields, such as
// "SalesAmount is the rounded sum of the items' ItemAmount", written as data and checked by this one engine.
// A rule whose fields are missing or not numbers is skipped: the field checks already report that.
import { dig } from './schema.ts';

/** A number, a field path ("SalesAmount", "Items[].ItemAmount") or an operation on terms. */
export type Term = number | string | { sum: string | Term[] } | { product: Term[] } | { round: Term };

export type Rule =
  | {
      /** The field checked; "Items[].ItemAmount" checks every item against terms read from the same item. */
      field: string;
      equals: Term;
      /** Largest accepted difference (default 0). */
      tolerance?: number;
      /** A condition on the object (same form as `if`); the rule holds only when it matches. */
      when?: object;
    }
  | { unique: string; when?: object };

export interface RuleBreach {
  path: (string | number)[];
  rule: string;
  text: string;
}

type Value = Record<string, unknown>;

const splits = new Map<string, [string, string] | undefined>();

/** Splits "Items[].ItemAmount" into the array path and the path inside each element (once per path: they are the spec's). */
function splitArray(path: string): [string, string] | undefined {
  if (!splits.has(path)) {
    const at = path.indexOf('[].');
    splits.set(path, at < 0 ? undefined : [path.slice(0, at), path.slice(at + 3)]);
  }
  return splits.get(path);
}

const numeric = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The term's value, or undefined when a field it needs is missing or not a number. */
function evaluate(term: Term, obj: Value, index: number | undefined): number | undefined {
  if (typeof term === 'number') return term;
  if (typeof term === 'string') {
    const split = splitArray(term);
    if (!split) return numeric(dig(obj, term));
    return index === undefined
      ? undefined
      : numeric(dig((dig(obj, split[0]) as unknown[] | undefined)?.[index], split[1]));
  }
  if ('round' in term) {
    const v = evaluate(term.round, obj, index);
    return v === undefined ? undefined : Math.sign(v) * Math.round(Math.abs(v)); // PHP round(): half away from zero
  }
  const terms: string | Term[] = 'sum' in term ? term.sum : term.product;
  const parts = typeof terms === 'string' ? elements(terms, obj) : terms.map((t) => evaluate(t, obj, index));
  if (parts.some((p) => p === undefined)) return undefined;
  // Sums of decimals drift (0.1 + 0.2); ECPay's amounts have at most 7 decimals, so round the drift away.
  const total = 'sum' in term ? parts.reduce<number>((a, b) => a + b!, 0) : parts.reduce<number>((a, b) => a * b!, 1);
  return Math.round(total * 1e8) / 1e8;
}

function elements(path: string, obj: Value): (number | undefined)[] {
  const [array, inner] = splitArray(path) ?? [path, ''];
  const list = dig(obj, array);
  if (!Array.isArray(list)) return [undefined];
  return list.map((item) => numeric(dig(item, inner)));
}

/** How a term reads in a message; inside a per-item rule, the item's own fields go without their array prefix. */
function describeTerm(term: Term, itemPrefix?: string): string {
  if (typeof term === 'number') return String(term);
  if (typeof term === 'string')
    return itemPrefix && term.startsWith(`${itemPrefix}[].`) ? term.slice(itemPrefix.length + 3) : term;
  if ('round' in term) return `round(${describeTerm(term.round, itemPrefix)})`;
  if ('sum' in term)
    return typeof term.sum === 'string'
      ? `the sum of ${term.sum}`
      : term.sum.map((t) => describeTerm(t, itemPrefix)).join(' + ');
  return term.product.map((t) => describeTerm(t, itemPrefix)).join(' × ');
}

const num = (n: number) => String(Math.round(n * 1e7) / 1e7);

/** Checks one rule on one object; `path` is where the object sits in the payload. */
export function checkRule(rule: Rule, obj: Value, path: readonly (string | number)[]): RuleBreach[] {
  if ('unique' in rule) {
    const split = splitArray(rule.unique);
    const list = split ? dig(obj, split[0]) : undefined;
    if (!split || !Array.isArray(list)) return [];
    const seen = new Map<unknown, number>();
    const out: RuleBreach[] = [];
    list.forEach((item, i) => {
      const v = dig(item, split[1]);
      if (v === undefined) return;
      const first = seen.get(v);
      if (first === undefined) seen.set(v, i);
      else
        out.push({
          path: [...path, split[0], i, ...split[1].split('.')],
          rule: 'unique',
          text: `must be unique among ${rule.unique} (${JSON.stringify(v)} is also at ${split[0]}[${first}])`,
        });
    });
    return out;
  }
  const split = splitArray(rule.field);
  const list = split ? dig(obj, split[0]) : undefined;
  const indices = split ? (Array.isArray(list) ? list.map((_, i) => i) : []) : [undefined];
  const tolerance = rule.tolerance ?? 0;
  const out: RuleBreach[] = [];
  for (const index of indices) {
    const actual = evaluate(rule.field, obj, index);
    const expected = evaluate(rule.equals, obj, index);
    if (actual === undefined || expected === undefined || Math.abs(actual - expected) <= tolerance + 1e-9) continue;
    const where = split ? [...path, split[0], index!, ...split[1].split('.')] : [...path, ...rule.field.split('.')];
    const described = describeTerm(rule.equals, split?.[0]);
    const how = tolerance ? `must be within ${tolerance} of ${described}` : `must equal ${described}`;
    out.push({
      path: where,
      rule: tolerance ? `within ${tolerance} of ${described}` : `equals ${described}`,
      text: `${how} = ${num(expected)} (got ${num(actual)})`,
    });
  }
  return out;
}

/** Every field path a rule reads, for the normaliser to check against the schema. */
export function rulePaths(rule: Rule): string[] {
  if ('unique' in rule) return [rule.unique];
  const out = [rule.field];
  const walk = (t: Term): void => {
    if (typeof t === 'string') out.push(t);
    else if (typeof t === 'object') {
      if ('round' in t) walk(t.round);
      else if ('sum' in t) typeof t.sum === 'string' ? out.push(t.sum) : t.sum.forEach(walk);
      else t.product.forEach(walk);
    }
  };
  walk(rule.equals);
  return out;
}
