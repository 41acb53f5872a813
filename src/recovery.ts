// What a caller should do when a mutation's outcome is unknown: the query that finds out, with its payload filled
// from the call that failed, as the spec declares it per operation (x-ecpay-recovery).
import { dig } from './schema.ts';

/** Declared in the spec; the generator adds the facade name of the query. */
export interface RecoverySpec {
  /** operationId of the query, when one exists. */
  operation?: string;
  /** Its facade call, e.g. "b2c.getIssue". */
  method?: string;
  /** Its field <- a field of the original payload (dotted for a nested one). */
  from?: Readonly<Record<string, string>>;
  /** Its field <- a fixed value. */
  set?: Readonly<Record<string, unknown>>;
  note: string;
}

/** On an outcome-unknown error: how to find the truth, ready to call (`einvoice.b2c.getIssue(hint.payload)`). */
export interface RecoveryHint {
  /** The facade call that finds out, e.g. "b2c.getIssue"; absent when no query can. */
  call?: string;
  /** The query's operationId, e.g. "b2cGetIssue". */
  operation?: string;
  /** The query's payload, filled from the call that failed. */
  payload?: Record<string, unknown>;
  /** What to look for in the answer, and what to do next. */
  note: string;
}

export function recoveryHint(spec: RecoverySpec, body: Record<string, unknown>): RecoveryHint {
  if (!spec.operation || !spec.method) return { note: spec.note };
  const payload: Record<string, unknown> = {};
  for (const [to, from] of Object.entries(spec.from ?? {})) {
    const value = dig(body, from);
    if (value !== undefined) payload[to] = value;
  }
  if (spec.set) Object.assign(payload, structuredClone(spec.set));
  return { call: spec.method, operation: spec.operation, payload, note: spec.note };
}

/** The sentences an outcome-unknown error of a mutation ends with. */
export function recoveryAdvice(hint: RecoveryHint | undefined): string {
  const how = !hint
    ? ' Query its state first.'
    : hint.call
      ? ` Find out with einvoice.${hint.call}(${JSON.stringify(hint.payload)}): ${hint.note}`
      : ` ${hint.note}`;
  return ` The request may have reached ECPay, so its outcome is unknown: do not send it again blindly.${how}`;
}
