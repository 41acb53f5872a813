// The error tree: one class per way a call can fail, stable names, ECPay's own codes and messages kept. No error here
// ever receives the client's configuration, so HashKey and HashIV cannot reach a message or a field. Rendering an
// error (its message, JSON.stringify, util.inspect) never throws and stays bounded, whatever ECPay or a proxy sent.
import { inspect } from 'node:util';
import type { ResponseEnvelope } from './operation.ts';
import { recoveryAdvice, type RecoveryHint } from './recovery.ts';

export interface ErrorContext {
  /** operationId, e.g. b2cTriggerIssue. */
  operation?: string;
  /** True when the request may have reached ECPay and no definitive answer came back: query before retrying. */
  outcomeUnknown?: boolean;
  /** True when ECPay answered with a success code: the thing was done, whatever went wrong after. */
  succeeded?: boolean;
  /** Whether the operation may be called again without harm (queries, idempotent updates). */
  safeToRepeat?: boolean;
  /** For a mutation: how to find out what happened when the outcome is unknown. */
  recovery?: RecoveryHint;
  /** HTTP attempts made before this error. */
  attempts?: number;
  /** B2B: the RqID the request was sent with (ECPay's logs know it by that). */
  rqId?: string;
  cause?: unknown;
}

/** Text from outside (ECPay's messages, a proxy's page) as a message may quote it: control characters escaped, cut short. */
export function clip(text: string, max = 300): string {
  const escaped = text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max)}... (${escaped.length - max} more characters)` : escaped;
}

function outcomeAdvice(context: ErrorContext): string {
  if (context.succeeded) return ' The operation succeeded at ECPay: do not send it again.';
  if (!context.outcomeUnknown) return '';
  if (context.safeToRepeat) return ' No complete answer arrived; this operation is safe to call again.';
  return recoveryAdvice(context.recovery);
}

/** Base class of every error this client throws. */
export class EcpayError extends Error {
  override readonly name: string = 'EcpayError';
  /** The operationId of the call, e.g. b2cIssue. */
  readonly operation: string | undefined;
  /** True when the request may have reached ECPay and no definitive answer came back: query before retrying. */
  readonly outcomeUnknown: boolean;
  /** True when ECPay reported success before this error: the invoice (or whatever it was) exists. */
  readonly succeeded: boolean;
  /** HTTP attempts made before this error. */
  readonly attempts: number | undefined;
  /** B2B: the RqID the request was sent with (ECPay's logs know it by that). */
  readonly rqId: string | undefined;
  /** When the outcome of a mutation is unknown: the query that finds out, with its payload ready to call. */
  readonly recovery: RecoveryHint | undefined;

  constructor(message: string, context: ErrorContext = {}) {
    super(`${context.operation ? `${context.operation}: ` : ''}${message}${outcomeAdvice(context)}`, {
      cause: context.cause,
    });
    this.operation = context.operation;
    this.outcomeUnknown = (context.outcomeUnknown ?? false) && !context.succeeded;
    this.succeeded = context.succeeded ?? false;
    this.attempts = context.attempts;
    this.rqId = context.rqId;
    this.recovery = this.outcomeUnknown && !context.safeToRepeat ? context.recovery : undefined;
  }

  /**
   * For structured logs: name, message and the scalar facts (codes, flags, attempts), the issues and the recovery
   * hint. Never ECPay's whole Data (it may be large, deep or personal: it stays on `error.data`) nor the cause.
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (value === undefined || key === 'data') continue;
      if (value === null || typeof value !== 'object') out[key] = value;
      else if (key === 'issues' && Array.isArray(value)) out[key] = value.slice(0, 20);
      else if (key === 'recovery' || key === 'envelope') out[key] = value;
    }
    return out;
  }

  /** console.log(error): the message, the scalar facts and the cause's first line; no deep dumps. */
  [inspect.custom](): string {
    const facts = this.toJSON();
    delete facts.name;
    delete facts.message;
    const cause = this.cause === undefined ? '' : `\n  [cause] ${firstLine(this.cause)}`;
    return `${this.name}: ${this.message}\n  ${inspect(facts, { depth: 3, breakLength: 120, maxStringLength: 300, maxArrayLength: 20 })}${cause}`;
  }
}

function firstLine(cause: unknown): string {
  if (cause instanceof Error) return clip(`${cause.name}: ${cause.message}`.split('\n')[0]!, 200);
  return clip(String(cause), 200);
}

/** The client, or one call's options, was configured wrongly; nothing was sent. */
export class EcpayConfigError extends EcpayError {
  override readonly name = 'EcpayConfigError';
}

export interface ValidationIssue {
  /** Field path inside the payload, e.g. "Tsr", "Items[0].ItemName" or "(payload)". */
  field: string;
  /** The rule broken, e.g. "maxLength 30", "required when Print is \"1\"". */
  rule: string;
  /** One line that names the field and says what is wrong. */
  message: string;
}

const listed = (issues: readonly ValidationIssue[]) =>
  issues.length > 20
    ? `${issues
        .slice(0, 20)
        .map((i) => i.message)
        .join('; ')}; and ${issues.length - 20} more`
    : issues.map((i) => i.message).join('; ');

/** The payload breaks a rule of the spec; nothing was sent. */
export class EcpayValidationError extends EcpayError {
  override readonly name = 'EcpayValidationError';
  constructor(
    /** Every problem of the payload at once. */
    readonly issues: ValidationIssue[],
    context: ErrorContext = {},
  ) {
    super(`invalid payload, nothing was sent: ${listed(issues)}`, context);
  }
}

/** A callback form (ECPay -> merchant) is not what the spec declares, or its CheckMacValue does not match. */
export class EcpayCallbackError extends EcpayError {
  override readonly name = 'EcpayCallbackError';
  constructor(
    readonly issues: ValidationIssue[],
    operation: string,
    /** The callback's name, e.g. b2cDelayIssueNotify. */
    readonly callback: string,
  ) {
    super(`the ${callback} callback cannot be read: ${listed(issues)}. Do not answer it with success.`, { operation });
  }
}

/** ECPay rejected the envelope: TransCode is not 1 (bad timestamp, keys, MerchantID or Data). */
export class EcpayEnvelopeError extends EcpayError {
  override readonly name = 'EcpayEnvelopeError';
  /** ECPay's message about the envelope (at most 2000 characters). */
  readonly transMsg: string;
  constructor(
    /** ECPay's TransCode (not 1). */
    readonly transCode: number,
    transMsg: string,
    readonly envelope: ResponseEnvelope,
    /** ECPay's clock minus ours, in seconds, from RpHeader.Timestamp (undefined without one). */
    readonly clockSkewSeconds: number | undefined,
    context: ErrorContext = {},
  ) {
    super(
      `ECPay rejected the envelope: TransCode ${transCode}${transMsg ? ` (${clip(transMsg)})` : ''}.${skewAdvice(clockSkewSeconds, transMsg)}`,
      context,
    );
    this.transMsg = transMsg.slice(0, 2000);
  }
}

// ECPay refuses requests more than 10 minutes from its clock; warn well before that.
const SKEW_WARNING_SECONDS = 300;
const TIMESTAMP_WORDS = /time ?stamp|時間|逾時/i;

function skewAdvice(skew: number | undefined, transMsg: string): string {
  const talksOfTime = TIMESTAMP_WORDS.test(transMsg);
  if (skew === undefined) return talksOfTime ? " This is a timestamp problem: check this machine's clock." : '';
  if (Math.abs(skew) < SKEW_WARNING_SECONDS) {
    // A message that speaks of the timestamp while the clocks agree: the clock is not the cause, so it is not blamed.
    return talksOfTime
      ? ` ECPay's message mentions the timestamp, but this machine's clock is within ${Math.abs(skew)} s of ECPay's, so the clock is not the cause.`
      : '';
  }
  const direction = skew > 0 ? 'behind' : 'ahead of';
  return (
    ` This looks like a timestamp problem: this machine's clock is ${Math.abs(skew)} s ${direction} ECPay's ` +
    '(ECPay refuses requests more than 10 minutes off). Synchronise the clock (NTP) and call again.'
  );
}

/** ECPay processed the request and said no: RtnCode is not one of the operation's success codes. */
export class EcpayBusinessError extends EcpayError {
  override readonly name = 'EcpayBusinessError';
  /** ECPay's message (at most 2000 characters). */
  readonly rtnMsg: string;
  constructor(
    /** ECPay's RtnCode: not one of the operation's success codes. */
    readonly rtnCode: number,
    rtnMsg: string,
    /** The whole decrypted Data, for fields beyond RtnCode and RtnMsg. */
    readonly data: Record<string, unknown>,
    readonly envelope: ResponseEnvelope,
    context: ErrorContext = {},
  ) {
    super(`ECPay returned RtnCode ${rtnCode}${rtnMsg ? ` (${clip(rtnMsg)})` : ''}`, context);
    this.rtnMsg = rtnMsg.slice(0, 2000);
  }
}

/** ECPay answered, but not with something this client can read: not JSON, no TransCode, undecryptable Data. */
export class EcpayResponseError extends EcpayError {
  override readonly name: string = 'EcpayResponseError';
}

/**
 * The operation SUCCEEDED (TransCode 1 and a success RtnCode), but the result does not match the spec. Do not retry:
 * ECPay did the thing. `data` is the decrypted result as received.
 */
export class EcpayUnexpectedShapeError extends EcpayResponseError {
  override readonly name = 'EcpayUnexpectedShapeError';
  constructor(
    readonly data: Record<string, unknown>,
    readonly issues: ValidationIssue[],
    readonly envelope: ResponseEnvelope,
    context: ErrorContext = {},
  ) {
    super(
      `the operation succeeded, but its result does not match the spec (${listed(issues)}). The result is in error.data.`,
      {
        ...context,
        succeeded: true,
      },
    );
  }
}

/**
 * ECPay's answer names another request than the one sent (a field that echoes the request has another value):
 * cross-talk or misrouting. When its RtnCode was a success, `succeeded` is true: something was done, perhaps not
 * what this call asked for; otherwise the outcome of this call is unknown.
 */
export class EcpayMismatchError extends EcpayResponseError {
  override readonly name = 'EcpayMismatchError';
  constructor(
    readonly mismatch: { field: string; sent: string; answered: string },
    readonly rtnCode: number,
    readonly data: Record<string, unknown>,
    readonly envelope: ResponseEnvelope,
    context: ErrorContext,
    succeeded: boolean,
  ) {
    super(
      `ECPay's answer (RtnCode ${rtnCode}) is for another request: ${mismatch.field} is ${JSON.stringify(clip(mismatch.answered, 60))} ` +
        `where this call sent ${JSON.stringify(clip(mismatch.sent, 60))}.`,
      { ...context, succeeded },
    );
  }
}

/** ECPay (or a proxy) answered with an HTTP status other than 2xx. 403 is ECPay's rate limit; 3xx is never followed. */
export class EcpayHttpError extends EcpayError {
  override readonly name = 'EcpayHttpError';
  /** The first 200 characters of the body, control characters escaped, for diagnosis. */
  readonly bodyExcerpt: string;
  constructor(
    /** The HTTP status. */
    readonly status: number,
    body: string,
    /** Seconds from Retry-After, when the server sent one. */
    readonly retryAfterSeconds: number | undefined,
    context: ErrorContext = {},
    /** For a redirect: the host it pointed to. */
    readonly redirectedTo?: string,
  ) {
    const excerpt = clip(body.trim(), 200);
    super(
      `HTTP ${status}${httpAdvice(status, retryAfterSeconds, redirectedTo)}${excerpt ? ` Body: ${excerpt}` : ''}`,
      context,
    );
    this.bodyExcerpt = excerpt;
  }

  get rateLimited(): boolean {
    return isRateLimit(this.status);
  }
}

/** ECPay's rate limit (403) or anyone's (429): the request was refused before it was acted on. */
export const isRateLimit = (status: number) => status === 403 || status === 429;

function httpAdvice(status: number, retryAfter: number | undefined, redirectedTo: string | undefined): string {
  const wait = retryAfter !== undefined ? ` Retry-After: ${retryAfter} s.` : '';
  if (redirectedTo !== undefined)
    return ` (a redirect to ${redirectedTo}: ECPay does not redirect this API, so it was not followed; check the base URL).`;
  if (status === 403)
    return ` (ECPay's rate limit: wait before calling again; ECPay may ask for up to 30 minutes).${wait}`;
  if (status === 429) return ` (rate limited).${wait}`;
  return '.';
}

/** The connection failed (refused, reset, DNS, too many open files); `cause` holds the platform's error. */
export class EcpayConnectionError extends EcpayError {
  override readonly name = 'EcpayConnectionError';
}

/** No complete answer within the timeout (per attempt, body included). */
export class EcpayTimeoutError extends EcpayError {
  override readonly name = 'EcpayTimeoutError';
}

/** The caller's AbortSignal cancelled the call. */
export class EcpayAbortError extends EcpayError {
  override readonly name = 'EcpayAbortError';
}
