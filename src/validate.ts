// Payload checks the generated zod cannot express (unknown fields, the pages' conditional requirements), and the
// translation of zod's issues into messages that name the field and the rule.
import { $ZodError } from 'zod/v4/core';
import { EcpayValidationError, type ValidationIssue } from './errors.ts';
import type { OperationSpec } from './operation.ts';

/** "Has a value", as the pages use it: present, and not null or an empty string. */
const hasValue = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Throws EcpayValidationError before anything is sent. Types, lengths, enums and patterns are zod's job. */
export function checkPayload(op: OperationSpec, payload: unknown): asserts payload is Record<string, unknown> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new EcpayValidationError([{ field: '(payload)', rule: 'object', message: 'the payload must be an object' }], {
      operation: op.operationId,
    });
  }
  const issues: ValidationIssue[] = [];
  const record = payload as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!op.fields.includes(key)) {
      issues.push({ field: key, rule: 'known field', message: `${key} is not a field of ${op.operationId} (known: ${op.fields.join(', ')})` });
    }
  }
  if (op.anyOfRequired.length && !op.anyOfRequired.some((group) => group.every((f) => hasValue(record[f])))) {
    const options = op.anyOfRequired.map((g) => g.join(' + ')).join(' or ');
    issues.push({ field: options, rule: 'required one of', message: `one of ${options} must have a value` });
  }
  for (const [key, needed] of Object.entries(op.dependentRequired)) {
    if (!hasValue(record[key])) continue;
    for (const field of needed) {
      if (!hasValue(record[field])) {
        issues.push({ field, rule: `required with ${key}`, message: `${field} must have a value when ${key} has one` });
      }
    }
  }
  if (issues.length) throw new EcpayValidationError(issues, { operation: op.operationId });
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message?: string;
  expected?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  origin?: string;
  pattern?: string;
  format?: string;
  values?: unknown[];
  errors?: ZodIssueLike[][];
}

/** The generated validators throw zod's own error class (zod/mini names it $ZodError). */
export function isZodError(e: unknown): e is { issues: ZodIssueLike[] } {
  return e instanceof $ZodError;
}

/** zod/mini issues carry codes, not English; turn each into "Field: rule" using the value that was checked. */
export function describeZodIssues(issues: ZodIssueLike[], checked: unknown, pathPrefix: PropertyKey[] = []): ValidationIssue[] {
  return issues.map((issue) => {
    const path = issue.path.slice(pathPrefix.length);
    const field = path.length ? path.map(String).join('.') : '(whole object)';
    const value = path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], checked);
    const rule = ruleOf(issue, value);
    return { field, rule, message: `${field}: ${rule}` };
  });
}

function ruleOf(issue: ZodIssueLike, value: unknown): string {
  const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? 'required' : `must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`} (got ${describe(value)})`;
    case 'too_big':
      return `at most ${String(issue.maximum)}${unit} (maxLength ${String(issue.maximum)}; got ${describeLength(value)})`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty (minLength 1)';
      return `at least ${String(issue.minimum)}${unit} (minLength ${String(issue.minimum)}; got ${describeLength(value)})`;
    case 'invalid_format':
      return `must match ${issue.pattern ?? issue.format} (got ${describe(value)})`;
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')} (got ${describe(value)})`;
    case 'invalid_union': {
      // A union of literals is how the generator writes an integer enum: list the literals.
      const values = (issue.errors ?? []).flat().flatMap((e) => (e.code === 'invalid_value' ? (e.values ?? []) : []));
      return values.length
        ? `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')} (got ${describe(value)})`
        : `does not match any allowed form (got ${describe(value)})`;
    }
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message : issue.code;
  }
}

const describe = (value: unknown) => (value === undefined ? 'nothing' : truncate(JSON.stringify(value) ?? String(value)));
const describeLength = (value: unknown) =>
  typeof value === 'string' || Array.isArray(value) ? `${value.length}` : describe(value);
const truncate = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);
