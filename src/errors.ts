// The error tree: one class per way a call can fail, stable names, ECPay's own codes and messages kept verbatim.
// No error here ever receives the client's configuration, so HashKey and HashIV cannot reach a message or a field.
import type { ResponseEnvelope } from './operation.ts';
import { recoveryAdvice, type RecoveryHint } from './recovery.ts';

export interface ErrorContext {
  /** operationId, e.g. b2cTriggerIssue. */
  operation?: string;
  /** True when the request may have reached ECPay and no definitive answer came back: query before retrying. */
  outcomeUnknown?: boolean;
  /** Whether the operation may be called again without harm (queries, idempotent updates). */
  safeToRepeat?: boolean;
  /** For a mutation: how to find out what happened when the outcome is unknown. */
  recovery?: RecoveryHint;
  /** HTTP attempts made before this error. */
  attempts?: number;
  cause?: unknown;
}

function outcomeAdvice(context: ErrorContext): string {
  if (!context.outcomeUnknown) return '';
  if (context.safeToRepeat) return ' No complete answer arrived; this operation is safe to call again.';
  return recoveryAdvice(context.recovery);
}

/** Base class of every error this client throws. */
export class EcpayError extends Error {
  override readonly name: string = 'EcpayError';
  readonly operation: string | undefined;
  readonly outcomeUnknown: boolean;
  readonly attempts: number | undefined;
  /** When the outcome of a mutation is unknown: the query that finds out, with its payload ready to call. */
  readonly recovery: RecoveryHint | undefined;

  constructor(message: string, context: ErrorContext = {}) {
    super(`${context.operation ? `${context.operation}: ` : ''}${message}${outcomeAdvice(context)}`, { cause: context.cause });
    this.operation = context.operation;
    this.outcomeUnknown = context.outcomeUnknown ?? false;
    this.attempts = context.attempts;
    this.recovery = context.outcomeUnknown && !context.safeToRepeat ? context.recovery : undefined;
  }

  /** For structured logs: the message too (Error's own is not enumerable); never the cause's internals. */
  toJSON(): Record<string, unknown> {
    return { ...(this as unknown as Record<string, unknown>), name: this.name, message: this.message };
  }
}

/** The client was configured wrongly (thrown by createEinvoiceClient). */
export class EcpayConfigError extends EcpayError {
  override readonly name = 'EcpayConfigError';
}

export interface ValidationIssue {
  /** Field path inside the payload, e.g. "Tsr" or "(payload)". */
  field: string;
  /** The rule broken, e.g. "maxLength 30", "one of 0, 1", "required". */
  rule: string;
  message: string;
}

/** The payload breaks a rule of the spec; nothing was sent. */
export class EcpayValidationError extends EcpayError {
  override readonly name = 'EcpayValidationError';
  constructor(
    readonly issues: ValidationIssue[],
    context: ErrorContext = {},
  ) {
    super(`invalid payload, nothing was sent: ${issues.map((i) => i.message).join('; ')}`, context);
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
    super(`the ${callback} callback cannot be read: ${issues.map((i) => i.message).join('; ')}. Do not answer it with success.`, { operation });
  }
}

/** ECPay rejected the envelope: TransCode is not 1 (bad timestamp, keys, MerchantID or Data). */
export class EcpayEnvelopeError extends EcpayError {
  override readonly name = 'EcpayEnvelopeError';
  constructor(
    readonly transCode: number,
    readonly transMsg: string,
    readonly envelope: ResponseEnvelope,
    /** ECPay's clock minus ours, in seconds, from RpHeader.Timestamp (undefined without one). */
    readonly clockSkewSeconds: number | undefined,
    context: ErrorContext = {},
  ) {
    super(`ECPay rejected the envelope: TransCode ${transCode}${transMsg ? ` (${transMsg})` : ''}.${skewAdvice(clockSkewSeconds, transMsg)}`, context);
  }
}

// ECPay refuses requests more than 10 minutes from its clock; warn well before that.
const SKEW_WARNING_SECONDS = 300;
const TIMESTAMP_WORDS = /time ?stamp|時間|逾時/i;

function skewAdvice(skew: number | undefined, transMsg: string): string {
  const talksOfTime = TIMESTAMP_WORDS.test(transMsg);
  if (skew === undefined) return talksOfTime ? ' This is a timestamp problem: check this machine\'s clock.' : '';
  if (Math.abs(skew) < SKEW_WARNING_SECONDS && !talksOfTime) return '';
  const direction = skew > 0 ? 'behind' : 'ahead of';
  return (
    ` This looks like a timestamp problem: this machine's clock is ${Math.abs(skew)} s ${direction} ECPay's ` +
    '(ECPay refuses requests more than 10 minutes off). Synchronise the clock (NTP) and call again.'
  );
}

/** ECPay processed the request and said no: RtnCode is not one of the operation's success codes. */
export class EcpayBusinessError extends EcpayError {
  override readonly name = 'EcpayBusinessError';
  constructor(
    readonly rtnCode: number,
    readonly rtnMsg: string,
    /** The whole decrypted Data, for fields beyond RtnCode and RtnMsg. */
    readonly data: Record<string, unknown>,
    readonly envelope: ResponseEnvelope,
    context: ErrorContext = {},
  ) {
    super(`ECPay returned RtnCode ${rtnCode}${rtnMsg ? ` (${rtnMsg})` : ''}`, context);
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
  readonly succeeded = true;
  constructor(
    readonly data: Record<string, unknown>,
    readonly issues: ValidationIssue[],
    readonly envelope: ResponseEnvelope,
    context: ErrorContext = {},
  ) {
    super(
      `the operation succeeded, but its result does not match the spec (${issues.map((i) => i.message).join('; ')}); ` +
        'do not send it again. The result is in error.data.',
      context,
    );
  }
}

/** ECPay (or a proxy) answered with an HTTP status other than 2xx. 403 is ECPay's rate limit. */
export class EcpayHttpError extends EcpayError {
  override readonly name = 'EcpayHttpError';
  constructor(
    readonly status: number,
    /** The first 200 characters of the body, for diagnosis. */
    readonly bodyExcerpt: string,
    /** Seconds from Retry-After, when the server sent one. */
    readonly retryAfterSeconds: number | undefined,
    context: ErrorContext = {},
  ) {
    super(`HTTP ${status}${httpAdvice(status, retryAfterSeconds)}`, context);
  }

  get rateLimited(): boolean {
    return this.status === 403 || this.status === 429;
  }
}

function httpAdvice(status: number, retryAfter: number | undefined): string {
  const wait = retryAfter !== undefined ? ` Retry-After: ${retryAfter} s.` : '';
  if (status === 403) return ` (ECPay's rate limit: wait before calling again; ECPay may ask for up to 30 minutes).${wait}`;
  if (status === 429) return ` (rate limited).${wait}`;
  return '';
}

/** The connection failed (refused, reset, DNS); `cause` holds the platform's error. */
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
