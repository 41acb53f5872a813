// Test cases derived from an operation's Data schema and examples, so that a rule added to the spec is tested with
// no new test code: every keyword of every declared field, every condition, every cross-field rule (invalid
// payloads that must be refused before sending), and the loose-but-lossless forms of valid payloads and results.
// Written independently of src/normalise.ts and src/check.ts: it knows the schema, not the engine.

type Obj = Record<string, any>;
type Path = (string | number)[];

export interface InvalidCase {
  name: string;
  /** The field the error must name, as a user reads it ("Items[0].ItemName"). */
  field: string;
  /** Whether the message must say when the rule applies ("when ...", "unless ..."). */
  conditional: boolean;
  payload: Obj;
}

const fieldName = (path: Path) =>
  path.reduce<string>((out, k) => (typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${k}` : k), '');
/** The value at a path of keys and indices, or undefined where it leaves the objects. */
export const get = (obj: any, path: readonly (string | number)[]) =>
  path.reduce((at, k) => (at == null ? undefined : at[k]), obj);
function set(obj: Obj, path: Path, value: unknown): void {
  const parent = get(obj, path.slice(0, -1));
  if (parent == null) throw new Error(`no ${fieldName(path.slice(0, -1))} to set ${fieldName(path)} in`);
  if (value === undefined) delete parent[path.at(-1)!];
  else parent[path.at(-1)!] = value;
}
const typeOf = (s: Obj): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

/** A valid value for a declared field: from the examples when one has it, else from the schema. */
const SAMPLES: Record<string, string> = {
  'ecpay-date': '2024-01-31',
  'ecpay-date-time': '2024-01-31 12:00:00',
  'roc-year': '113',
  'tw-business-id': '53538851',
  'invoice-number': 'AB12345678',
  'mobile-barcode': '/ABC+123',
  'citizen-certificate': 'AB12345678901234',
  'love-code': '168001',
  email: 'buyer@example.com.tw',
  emails: 'a@example.com.tw;b@example.com.tw',
};
function sample(schema: Obj, name: string, examples: Obj[]): unknown {
  for (const ex of examples) if (ex[name] !== undefined) return structuredClone(ex[name]);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.format) return SAMPLES[schema.format];
  const t = typeOf(schema)[0];
  if (t === 'integer' || t === 'number') return Math.max(1, schema.minimum ?? 1);
  if (t === 'string') return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  throw new Error(`no sample for ${name}`);
}

/** A number the field allows (within its own bounds) that none of `allowed` is. */
function nearby(allowed: number[], declared: Obj): number | undefined {
  for (const candidate of [Math.min(...allowed) - 1, Math.max(...allowed) + 1]) {
    if (
      (declared.minimum === undefined || candidate >= declared.minimum) &&
      (declared.maximum === undefined || candidate <= declared.maximum)
    )
      return candidate;
  }
  return undefined;
}

/** Values that break one keyword of a field schema each (the declared schema gives the field's type). */
function breaking(constraint: Obj, declared: Obj, required = true): [string, unknown][] {
  const out: [string, unknown][] = [];
  const types = typeOf(declared);
  if (constraint.type)
    out.push([
      'type',
      types.includes('string') ? true : types.includes('integer') || types.includes('number') ? 'not a number' : 'x',
    ]);
  // A condition's const or enum is broken with another value the field itself allows, so that only the condition
  // can refuse it; a field's own enum with a value of its type that no list has.
  const allowedElsewhere = (allowed: unknown[]) =>
    constraint !== declared
      ? ((declared.enum ?? []).find((v: unknown) => !allowed.includes(v)) ??
        (typeof allowed[0] === 'number' ? nearby(allowed as number[], declared) : undefined))
      : undefined;
  if (constraint.const !== undefined) {
    out.push([
      'const',
      allowedElsewhere([constraint.const]) ??
        (typeof constraint.const === 'number' ? constraint.const + 1000 : `${constraint.const}-not`),
    ]);
  }
  if (constraint.enum) {
    out.push([
      'enum',
      allowedElsewhere(constraint.enum) ??
        (types.includes('string')
          ? 'Zz-not-listed'
          : Math.max(...constraint.enum.filter((v: unknown) => typeof v === 'number')) + 1000),
    ]);
  }
  if (constraint.maxLength !== undefined)
    out.push([`maxLength ${constraint.maxLength}`, '9'.repeat(constraint.maxLength + 1)]);
  // "" is "not given" to the client, so a minLength above 1 is broken by a value one character short.
  if (constraint.minLength && (constraint.minLength > 1 || required))
    out.push([`minLength ${constraint.minLength}`, 'x'.repeat(constraint.minLength - 1)]);
  if (constraint.pattern || constraint.format)
    out.push([constraint.format ? `format ${constraint.format}` : 'pattern', '!!']);
  if (constraint.minimum !== undefined) out.push(['minimum', constraint.minimum - 1]);
  if (constraint.exclusiveMinimum !== undefined) out.push(['exclusiveMinimum', constraint.exclusiveMinimum]);
  if (constraint.maximum !== undefined) out.push(['maximum', constraint.maximum + 1]);
  if (constraint.exclusiveMaximum !== undefined) out.push(['exclusiveMaximum', constraint.exclusiveMaximum]);
  if (constraint['x-ecpay-decimals'] !== undefined)
    out.push([
      'decimals',
      Number((1 + 10 ** -(constraint['x-ecpay-decimals'] + 1)).toFixed(constraint['x-ecpay-decimals'] + 1)),
    ]);
  return out;
}

/** A rule's term on an object (paths with [] read item `index`, or sum over all items inside `sum`). */
function term(t: any, obj: Obj, index: number): number | undefined {
  if (typeof t === 'number') return t;
  const read = (path: string, i: number) => {
    const [array, item] = path.includes('[].') ? path.split('[].') : [undefined, path];
    const v = array ? obj?.[array]?.[i]?.[item!] : obj?.[item!];
    return typeof v === 'number' ? v : undefined;
  };
  if (typeof t === 'string') return read(t, index);
  if ('round' in t) {
    const v = term(t.round, obj, index);
    return v === undefined ? undefined : Math.sign(v) * Math.round(Math.abs(v));
  }
  const parts: (number | undefined)[] =
    typeof t.sum === 'string'
      ? (obj?.[t.sum.split('[].')[0]] ?? []).map((_: unknown, i: number) => read(t.sum, i))
      : (t.sum ?? t.product).map((x: any) => term(x, obj, index));
  if (parts.some((p) => p === undefined)) return undefined;
  return t.sum !== undefined ? parts.reduce<number>((a, b) => a + b!, 0) : parts.reduce<number>((a, b) => a * b!, 1);
}

/** Makes the condition hold on the payload, or says it cannot. */
function satisfy(cond: Obj, payload: Obj, at: Path, declared: Obj, examples: Obj[]): boolean {
  // `examples` are the values of the object at `at` in the operation's examples (for samples of its fields).
  for (const [name, c] of Object.entries<any>(cond.properties ?? {})) {
    if (c === false) set(payload, [...at, name], undefined);
    else set(payload, [...at, name], c.const !== undefined ? c.const : c.enum[0]);
  }
  for (const name of cond.required ?? []) {
    if (get(payload, [...at, name]) === undefined)
      set(payload, [...at, name], sample(declared.properties[name], name, examples));
  }
  for (const name of cond.not?.required ?? []) set(payload, [...at, name], undefined);
  return true;
}

/** Makes the condition fail: a constrained field takes another declared value, or goes when it is optional. */
function falsify(cond: Obj, payload: Obj, at: Path, declared: Obj): boolean {
  for (const [name, c] of Object.entries<any>(cond.properties ?? {})) {
    if (c === false) continue;
    const allowed = c.const !== undefined ? [c.const] : c.enum;
    const other = (declared.properties[name].enum ?? []).find((v: unknown) => !allowed.includes(v));
    if (other !== undefined) return (set(payload, [...at, name], other), true);
    if (!(declared.required ?? []).includes(name)) return (set(payload, [...at, name], undefined), true);
  }
  for (const name of cond.required ?? [])
    if (!(declared.required ?? []).includes(name)) return (set(payload, [...at, name], undefined), true);
  return false;
}

export function invalidCases(schema: Obj, examples: Obj[]): InvalidCase[] {
  const out: InvalidCase[] = [];
  const base = () => structuredClone(examples[0]!);
  const withPath = (path: Path) => {
    const found = examples.find((ex) => get(ex, path.slice(0, -1)) !== undefined);
    return found ? structuredClone(found) : undefined;
  };

  // Every keyword of every declared field, nested items included.
  const fields = (declared: Obj, path: Path) => {
    for (const [name, prop] of Object.entries<any>(declared.properties ?? {})) {
      const p = [...path, name];
      if (name === 'MerchantID' && !path.length) continue; // the client fills it in
      for (const [rule, value] of breaking(prop, prop, (declared.required ?? []).includes(name))) {
        const payload = withPath(p);
        if (payload)
          out.push({
            name: `${fieldName(p)}: ${rule}`,
            field: fieldName(p),
            conditional: false,
            payload: (set(payload, p, value), payload),
          });
      }
      if ((declared.required ?? []).includes(name) && prop.default === undefined) {
        const payload = withPath(p);
        if (payload)
          out.push({
            name: `${fieldName(p)}: required`,
            field: fieldName(p),
            conditional: false,
            payload: (set(payload, p, undefined), payload),
          });
      }
      if (prop.minItems) {
        const payload = withPath(p);
        if (payload)
          out.push({
            name: `${fieldName(p)}: minItems`,
            field: fieldName(p),
            conditional: false,
            payload: (set(payload, p, []), payload),
          });
      }
      if (prop.maxItems !== undefined && prop.maxItems < 2000) {
        const payload = withPath([...p, 0, '_']);
        if (payload && get(payload, p)?.[0]) {
          set(
            payload,
            p,
            Array.from({ length: prop.maxItems + 1 }, () => structuredClone(get(payload, p)[0])),
          );
          out.push({ name: `${fieldName(p)}: maxItems`, field: fieldName(p), conditional: false, payload });
        }
      }
      if (prop.additionalProperties === false) {
        const payload = withPath([...p, '_']);
        if (payload)
          out.push({
            name: `${fieldName(p)}: unknown field`,
            field: `${fieldName(p)}.NotAField`,
            conditional: false,
            payload: (set(payload, [...p, 'NotAField'], '1'), payload),
          });
      }
      if (prop.items?.properties) fields(prop.items, [...p, 0]);
      else if (prop.properties) fields(prop, p);
    }
  };
  fields(schema, []);
  out.push({ name: 'unknown field', field: 'NotAField', conditional: false, payload: { ...base(), NotAField: '1' } });

  // What a constraint (then, else, allOf) says, broken one piece at a time, with its condition made to hold.
  const constraint = (c: Obj, declared: Obj, path: Path, label: string, prepare: (p: Obj) => boolean) => {
    for (const name of c.required ?? []) {
      const payload = base();
      if (prepare(payload) && get(payload, path) !== undefined) {
        set(payload, [...path, name], undefined);
        out.push({
          name: `${label}: ${fieldName([...path, name])} required`,
          field: fieldName([...path, name]),
          conditional: true,
          payload,
        });
      }
    }
    for (const [name, sub] of Object.entries<any>(c.properties ?? {})) {
      const p = [...path, name];
      const prop = declared.properties[name];
      if (sub === false) {
        const payload = base();
        if (prepare(payload) && get(payload, path) !== undefined) {
          set(payload, p, sample(prop, name, examples));
          out.push({ name: `${label}: ${fieldName(p)} not given`, field: fieldName(p), conditional: true, payload });
        }
        continue;
      }
      for (const [rule, value] of breaking(sub, prop)) {
        const payload = base();
        if (prepare(payload) && get(payload, path) !== undefined) {
          set(payload, p, value);
          out.push({ name: `${label}: ${fieldName(p)} ${rule}`, field: fieldName(p), conditional: true, payload });
        }
      }
      if (sub.items && prop.items) constraint(sub.items, prop.items, [...p, 0], label, prepare);
    }
  };
  // Conditions, one-of groups, dependencies and cross-field rules of every declared object, nested ones included
  // (VoidWithReIssue's IssueModel, each item of a list), each case made on the examples that have that object.
  const objectCases = (node: Obj, at: Path) => {
    const inner = examples.map((ex) => get(ex, at)).filter((v) => v && typeof v === 'object');
    const baseAt = () => {
      const found = examples.find((ex) => get(ex, at) !== undefined);
      return found ? structuredClone(found) : base();
    };
    const label = at.length ? fieldName(at) : 'payload';
    [node, ...(node.allOf ?? [])].forEach((c: Obj, i: number) => {
      if (!c.if) return;
      const name = `${label} ${i ? `allOf[${i - 1}]` : 'if'}`;
      if (c.then)
        constraint(
          c.then,
          node,
          at,
          `${name} then`,
          (p) => get(p, at) !== undefined && satisfy(c.if, p, at, node, inner),
        );
      if (c.else)
        constraint(c.else, node, at, `${name} else`, (p) => get(p, at) !== undefined && falsify(c.if, p, at, node));
    });
    if (node.anyOf?.every((b: Obj) => Object.keys(b).length === 1 && b.required)) {
      const names = node.anyOf.flatMap((b: Obj) => b.required);
      const payload = baseAt();
      for (const n of names) set(payload, [...at, n], undefined);
      const field = node.anyOf.map((b: Obj) => b.required.join(' + ')).join(' or ');
      out.push({ name: `${label} anyOf: none of ${names.join(', ')}`, field, conditional: false, payload });
    }
    for (const [key, needed] of Object.entries<string[]>(node.dependentRequired ?? {})) {
      for (const n of needed) {
        const payload = baseAt();
        if (get(payload, [...at, key]) === undefined)
          set(payload, [...at, key], sample(node.properties[key], key, inner));
        set(payload, [...at, n], undefined);
        out.push({
          name: `${label} dependentRequired: ${n} with ${key}`,
          field: fieldName([...at, n]),
          conditional: true,
          payload,
        });
      }
    }
    // Cross-field rules: the checked field moved just beyond the tolerance, or a value repeated.
    for (const [i, rule] of (node['x-ecpay-rules'] ?? []).entries()) {
      const payload = baseAt();
      if (get(payload, at) === undefined) continue;
      if (rule.when) satisfy(rule.when, payload, at, node, inner);
      if (rule.unique) {
        const [array, item] = rule.unique.split('[].');
        const list = get(payload, [...at, array]);
        if (!Array.isArray(list) || !list.length) continue;
        if (list.length < 2) list.push(structuredClone(list[0]));
        list[0][item] ??= 1;
        list[1][item] = list[0][item];
        out.push({
          name: `${label} rule ${i}: unique ${rule.unique}`,
          field: fieldName([...at, array, 1, item]),
          conditional: false,
          payload,
        });
        continue;
      }
      const [array, item] = rule.field.includes('[].') ? rule.field.split('[].') : [undefined, rule.field];
      const path: Path = array ? [...at, array, 0, item] : [...at, item];
      const expected = term(rule.equals, get(payload, at), 0);
      if (typeof get(payload, path) !== 'number' || expected === undefined) continue;
      set(payload, path, expected + (rule.tolerance ?? 0) + 1);
      out.push({
        name: `${label} rule ${i}: ${rule.field}`,
        field: fieldName(path),
        conditional: Boolean(rule.when),
        payload,
      });
    }
    for (const [name, prop] of Object.entries<any>(node.properties ?? {})) {
      if (prop.properties) objectCases(prop, [...at, name]);
      else if (prop.items?.properties) objectCases(prop.items, [...at, name, 0]);
    }
  };
  objectCases(schema, []);
  return out;
}

/**
 * Loose forms of a valid payload or result that must read exactly as the canonical one (`adjust` says how the
 * canonical one changes, when it does).
 */
export function looseVariants(
  schema: Obj,
  value: Obj,
  direction: 'request' | 'result',
): [string, Obj, ((canonical: Obj) => Obj)?][] {
  const out: [string, Obj, ((canonical: Obj) => Obj)?][] = [];
  const walk = (node: any, s: Obj, edit: (v: unknown, s: Obj) => unknown): any => {
    if (Array.isArray(node) && s.items) return node.map((x) => walk(x, s.items, edit));
    if (node && typeof node === 'object' && s.properties) {
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [k, s.properties[k] ? walk(v, s.properties[k], edit) : v]),
      );
    }
    return edit(node, s);
  };
  const single = (s: Obj) => typeOf(s).length === 1;
  out.push([
    'numbers written as strings',
    walk(value, schema, (v, s) => (typeof v === 'number' && single(s) && Number.isInteger(v) ? String(v) : v)),
  ]);
  out.push([
    'numeric strings written as numbers',
    walk(value, schema, (v, s) => (typeof v === 'string' && single(s) && /^[1-9]\d{0,14}$/.test(v) ? Number(v) : v)),
  ]);
  const recase = (node: any, s: Obj): any => {
    if (Array.isArray(node) && s.items) return node.map((x) => recase(x, s.items));
    if (node && typeof node === 'object' && s.properties) {
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) =>
          s.properties[k]
            ? [k.toLowerCase() !== k ? k.toLowerCase() : k.toUpperCase(), recase(v, s.properties[k])]
            : [k, v],
        ),
      );
    }
    return node;
  };
  out.push(['keys in another case', recase(value, schema)]);
  const absent = Object.keys(schema.properties).filter(
    (k) => value[k] === undefined && !(schema.required ?? []).includes(k),
  );
  if (absent.length) {
    out.push([
      'absent optional fields given as null',
      { ...value, ...Object.fromEntries(absent.map((k) => [k, null])) },
    ]);
    if (direction === 'request')
      out.push(['absent optional fields given as ""', { ...value, ...Object.fromEntries(absent.map((k) => [k, ''])) }]);
  }
  if (direction === 'result') {
    const { RtnMsg: _m, ...rest } = value;
    out.push(['no RtnMsg', rest, (canonical) => ({ ...canonical, RtnMsg: '' })]);
  }
  return out;
}
