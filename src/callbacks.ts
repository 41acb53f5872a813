// The form POSTs ECPay sends to a merchant's URL (DelayIssue's NotifyURL, AllowanceByCollegiate's ReturnURL):
// read into the declared types, checked against ECPay's CheckMacValue where the spec says the form carries one,
// and answered with the text ECPay expects. No envelope, no AES: these are plain forms.
import { checkMacValue, type AesKey } from './codec.ts';
import { EcpayCallbackError, type ValidationIssue } from './errors.ts';
import { checkResult, normaliseResult } from './normalise.ts';
import type { Formats } from './formats.ts';
import type { Schema } from './schema.ts';

/** Declared in the spec (enrich.yaml `callbacks`), generated into the operation's module; `T` is the form's type. */
export interface CallbackSpec<T = unknown> {
  name: string;
  operation: string;
  /** The form's fields. */
  schema: Schema;
  /** The format checkers its schema names. */
  formats: Formats;
  checkMacValue: 'md5' | 'none';
  /** What the merchant answers, e.g. "1|OK". */
  reply: string;
  /** Reads a form of this callback (readCallback, carried by the spec so that only applications that read one bundle it). */
  read(spec: CallbackSpec<T>, aes: AesKey, body: CallbackBody): CallbackNotice<T>;
  /** Type only (never set): the form's type. */
  readonly formType?: T;
}

/** A callback read: the fields in their declared types, whether ECPay's check value vouched for them, the answer. */
export interface CallbackNotice<T> {
  /** The form's fields, in their declared types. */
  data: T;
  /** True when the form carried a CheckMacValue and it matched your keys. */
  verified: boolean;
  /** The text to answer ECPay with (`res.type('text/plain').send(notice.reply)`). */
  reply: string;
  /** Values outside the documented lengths, enums or formats. */
  warnings: ValidationIssue[];
}

/** The raw body as a web framework hands it over: the text, URLSearchParams, or an already parsed object. */
export type CallbackBody = string | URLSearchParams | Readonly<Record<string, unknown>>;

function fieldsOf(body: CallbackBody, spec: CallbackSpec): Record<string, string> {
  if (typeof body === 'string') return Object.fromEntries(new URLSearchParams(body));
  if (body instanceof URLSearchParams) return Object.fromEntries(body);
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = String(value);
    else
      throw new EcpayCallbackError(
        [{ field: key, rule: 'form field', message: `${key}: a form field is text (got ${typeof value})` }],
        spec.operation,
        spec.name,
      );
  }
  return fields;
}

export function readCallback<T>(spec: CallbackSpec<T>, aes: AesKey, body: CallbackBody): CallbackNotice<T> {
  const fields = fieldsOf(body, spec);
  let verified = false;
  if (spec.checkMacValue === 'md5' && fields.CheckMacValue !== undefined) {
    if (fields.CheckMacValue.toUpperCase() !== checkMacValue(aes, fields)) {
      const message =
        "CheckMacValue: does not match this merchant's keys; the form was not sent by ECPay for you, or was changed on the way";
      throw new EcpayCallbackError(
        [{ field: 'CheckMacValue', rule: 'CheckMacValue', message }],
        spec.operation,
        spec.name,
      );
    }
    verified = true;
  }
  const data = normaliseResult(spec.schema, fields);
  const { problems, warnings } = checkResult(spec.schema, data, spec.formats);
  if (problems.length) throw new EcpayCallbackError(problems, spec.operation, spec.name);
  return { data: data as T, verified, reply: spec.reply, warnings };
}
