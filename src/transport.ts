// One logical call on the wire: the fetch function handed to the generated SDK for that call. It owns the attempts
// (a fresh envelope and Timestamp each, the same RqID; each attempt bounded by src/wire.ts) and the retry policy, so
// a retry can never reuse a stale timestamp or re-send something that must not be sent twice, then reads the answer.
import type { AesKey } from './codec.ts';
import type { PdfFile } from './document.ts';
import { judgeResult, openEnvelope, sealEnvelope, type OutgoingCall } from './envelope.ts';
import {
  EcpayAbortError,
  EcpayConnectionError,
  EcpayError,
  EcpayHttpError,
  EcpayResponseError,
  EcpayTimeoutError,
  isRateLimit,
  type ErrorContext,
  type ValidationIssue,
} from './errors.ts';
import type { CallOptions, OperationSpec, ResponseEnvelope } from './operation.ts';
import { wait, type RateLimiter } from './limiter.ts';
import { attempt, AttemptError, type AttemptFailure, type Slots } from './wire.ts';
import { recoveryHint, type RecoveryHint } from './recovery.ts';

export interface RetryPolicy {
  /** Retries after the first attempt (default 2). */
  maxRetries: number;
  /** First backoff; doubles each retry, with jitter (default 500 ms). */
  baseDelayMs: number;
  /** Longest wait between attempts, Retry-After included; a longer Retry-After is not waited for (default 8 s). */
  maxDelayMs: number;
}

/**
 * What the opt-in `debug` hook sees. Built from the envelope's public parts only (MerchantID, PlatformID, RqHeader,
 * TransCode): the hook is never handed Data, the payload or the keys, so there is nothing to redact.
 */
export type DebugEvent =
  | {
      type: 'attempt';
      operation: string;
      attempt: number;
      url: string;
      rqHeader: Record<string, unknown>;
      merchantId: string;
    }
  | { type: 'answer'; operation: string; attempt: number; status: number; durationMs: number }
  | { type: 'retry'; operation: string; attempt: number; delayMs: number; error: string }
  /** ECPay answered for another MerchantID than the one that asked; the Data decrypted with this merchant's key. */
  | { type: 'merchant-differs'; operation: string; sent: string; answered: string }
  /** A successful result has values outside the documented rules (field and rule only, never the value). */
  | { type: 'result-warnings'; operation: string; warnings: { field: string; rule: string }[] };

export interface TransportConfig {
  debug?: ((event: DebugEvent) => void) | undefined;
  aes: AesKey;
  fetch: typeof globalThis.fetch;
  /** Milliseconds since the epoch. */
  now: () => number;
  timeoutMs: number;
  retry: RetryPolicy;
  random: () => number;
  /** Largest answer read, in bytes. */
  maxResponseBytes: number;
  /** The client's bound on requests in flight. */
  slots: Slots;
  /** Per operationId, for operations with a documented call rate. */
  limiters: Map<string, RateLimiter>;
  /** Whether the user's request interceptor may have changed the generated client's Request (its headers). */
  interceptsRequests: boolean;
}

type Failure = { error: EcpayError; retryable: boolean; retryAfterMs?: number };

export interface Answer {
  envelope: ResponseEnvelope;
  /** The typed result (a success: TransCode 1 and a success RtnCode), or the file of a document operation. */
  result: Record<string, unknown> | PdfFile;
  warnings: ValidationIssue[];
}

export class Exchange {
  attempts = 0;
  /** Set once an answer passed TransCode and RtnCode: from then on ECPay has done the thing. */
  answer: Answer | undefined;
  /** The body of an attempt for its timestamp: the payload is encrypted once per call. */
  private envelope: ((timestampSeconds: number) => string) | undefined;
  private recovery: RecoveryHint | undefined;
  /** The wire answer as already read, for the generated client and its interceptors (encrypted Data, no keys). */
  private reply: Response | undefined;

  constructor(
    private readonly config: TransportConfig,
    private readonly op: OperationSpec,
    private readonly call: OutgoingCall,
    /** The prepared payload: validated, and exactly what is encrypted. */
    private readonly body: Record<string, unknown>,
    private readonly options: CallOptions,
    /** May a request that possibly reached ECPay be sent again? */
    private readonly retrySafe: boolean,
  ) {}

  /** Handed to the generated client as its fetch; its Request carries the URL and headers. */
  readonly fetch = async (input: RequestInfo | URL): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    // Encrypt once per call: attempts differ in RqHeader alone.
    this.envelope ??= sealEnvelope(this.config.aes, this.call, this.body);
    // The call's headers as the generated client put them on its Request, so a request interceptor's (a trace header)
    // go too. Without an interceptor they are the call's own: reading them back from the Request would cost more.
    const own = this.config.interceptsRequests ? requestHeaders(input, this.options.headers) : this.options.headers;
    const headers = { ...own, 'Content-Type': 'application/json' };
    for (;;) {
      const failure = await this.attempt(url, headers);
      if (!failure) return this.reply!;
      const delay = this.retryDelay(failure);
      if (delay === undefined) throw failure.error;
      this.emit({
        type: 'retry',
        operation: this.op.operationId,
        attempt: this.attempts,
        delayMs: delay,
        error: `${failure.error.name}: ${failure.error.message}`,
      });
      await wait(delay, this.options.signal, this.context(failure.error.outcomeUnknown));
    }
  };

  private async attempt(url: string, headers: Readonly<Record<string, string>>): Promise<Failure | undefined> {
    const { signal } = this.options;
    if (signal?.aborted)
      throw new EcpayAbortError('cancelled by the caller before sending', this.context(false, signal.reason));
    const limiter = this.config.limiters.get(this.op.operationId);
    if (limiter) await limiter.take(signal, this.context(false));
    const timestamp = Math.floor(this.config.now() / 1000);
    this.attempts += 1;
    const timeoutMs = this.options.timeoutMs ?? this.config.timeoutMs;
    const body = this.envelope!(timestamp);
    const started = this.config.debug ? performance.now() : 0;
    if (this.config.debug) {
      this.emit({
        type: 'attempt',
        operation: this.op.operationId,
        attempt: this.attempts,
        url,
        merchantId: this.call.merchantId,
        rqHeader: {
          Timestamp: timestamp,
          Revision: this.call.revision,
          ...(this.call.rqId ? { RqID: this.call.rqId } : {}),
        },
      });
    }
    let response: Response;
    let bytes: Uint8Array;
    try {
      ({ response, bytes } = await attempt(
        this.config.fetch,
        url,
        { headers, body },
        { timeoutMs, maxResponseBytes: this.config.maxResponseBytes, slots: this.config.slots },
        signal,
      ));
    } catch (error) {
      if (!(error instanceof AttemptError)) throw error;
      return this.failed(error.failure, timeoutMs, url);
    }
    if (this.config.debug)
      this.emit({
        type: 'answer',
        operation: this.op.operationId,
        attempt: this.attempts,
        status: response.status,
        durationMs: performance.now() - started,
      });
    // A document operation's success is the file itself; a failure still comes as an envelope.
    const file = response.ok ? this.op.readDocument?.(response, bytes) : undefined;
    if (file) {
      this.answer = { envelope: { TransCode: 1 }, result: file, warnings: [] };
      this.reply = answeredResponse(response, bytes);
      return undefined;
    }
    if (!response.ok) return this.httpFailure(response, bytes, timestamp);
    const nowSeconds = this.secondsAfterSending(timestamp);
    const context = this.context(false);
    const { envelope, data, wellFormed } = openEnvelope(
      this.config.aes,
      utf8.decode(bytes),
      nowSeconds,
      context,
      this.op.answer,
    );
    if (envelope.MerchantID !== undefined && envelope.MerchantID !== this.call.merchantId) {
      // Data that decrypts with this merchant's key is this merchant's answer: shown, not refused (README).
      this.emit({
        type: 'merchant-differs',
        operation: this.op.operationId,
        sent: this.call.merchantId,
        answered: envelope.MerchantID,
      });
    }
    const { result, warnings } = judgeResult(this.op, data, this.body, envelope, context, nowSeconds);
    if (!wellFormed) {
      warnings.push({
        field: '(answer)',
        rule: 'utf-8',
        message: "(answer): ECPay's Data is not valid UTF-8; the bytes that were not are shown as U+FFFD",
      });
    }
    this.answer = { envelope, result, warnings };
    if (warnings.length)
      this.emit({
        type: 'result-warnings',
        operation: this.op.operationId,
        warnings: warnings.map(({ field, rule }) => ({ field, rule })),
      });
    this.reply = answeredResponse(response, bytes);
    return undefined;
  }

  /** An attempt that got no readable answer: what to tell the caller, and whether a retry may follow. */
  private failed(failure: AttemptFailure, timeoutMs: number, url: string): Failure {
    switch (failure.kind) {
      case 'aborted':
        throw new EcpayAbortError(
          failure.sent ? 'cancelled by the caller' : 'cancelled by the caller before sending',
          this.context(failure.sent, failure.cause),
        );
      case 'timeout':
        return {
          error: new EcpayTimeoutError(`no complete answer within ${timeoutMs} ms`, this.context(true, failure.cause)),
          retryable: true,
        };
      case 'too-large': {
        const message = `the answer (HTTP ${failure.status}) is larger than maxResponseBytes (${failure.bytes} bytes); reading stopped`;
        return { error: new EcpayResponseError(message, this.context(true)), retryable: false };
      }
      case 'connection': {
        const reason = DNS_CODES.has(failure.code ?? '')
          ? `could not resolve ${hostOf(url)}: ${failure.code}`
          : (failure.code ?? (failure.cause instanceof Error ? failure.cause.message : String(failure.cause)));
        const where = failure.sent ? '' : '; the request never left this machine';
        return {
          error: new EcpayConnectionError(
            `connection failed (${reason})${where}`,
            this.context(failure.sent, failure.cause),
          ),
          retryable: true,
        };
      }
    }
  }

  private httpFailure(response: Response, bytes: Uint8Array, sentAt: number): Failure {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.secondsAfterSending(sentAt) * 1000);
    const rateLimited = isRateLimit(response.status);
    const redirect = response.status >= 300 && response.status < 400;
    const error = new EcpayHttpError(
      response.status,
      utf8.decode(bytes),
      retryAfter,
      this.context(!rateLimited),
      redirect ? redirectHost(response) : undefined,
    );
    const retryable = !redirect && (rateLimited || response.status >= 500 || response.status === 408);
    return { error, retryable, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter * 1000 } : {}) };
  }

  /**
   * The debug hook is the caller's: it hears what happens, and nothing it does changes that: not a throw, not a
   * rejected promise (an async hook), which would otherwise surface as an unhandled rejection.
   */
  private emit(event: DebugEvent): void {
    try {
      const returned = this.config.debug?.(event) as unknown;
      if (returned instanceof Promise) returned.catch(() => undefined);
    } catch {
      // A failing hook must not turn an issued invoice into an error.
    }
  }

  /**
   * The clock once ECPay may have acted: a clock that fails now must not turn an answer into "nothing was sent", so
   * it falls back to the time the request was stamped with.
   */
  private secondsAfterSending(sentAt: number): number {
    try {
      return Math.floor(this.config.now() / 1000);
    } catch {
      return sentAt;
    }
  }

  /** How long to wait before the next attempt, or undefined when this failure must be thrown. */
  private retryDelay(failure: Failure): number | undefined {
    const { maxRetries, baseDelayMs, maxDelayMs } = this.config.retry;
    if (!failure.retryable || this.attempts > maxRetries) return undefined;
    // An operation that is not safe to repeat is re-sent only when the connection never opened: nothing reached
    // ECPay. Once a request may have been received (timeout, reset, any HTTP answer) it is not sent again.
    if (!this.retrySafe && (failure.error.outcomeUnknown || failure.error instanceof EcpayHttpError)) return undefined;
    if (failure.retryAfterMs !== undefined)
      return failure.retryAfterMs <= maxDelayMs ? failure.retryAfterMs : undefined;
    const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (this.attempts - 1));
    return exp / 2 + (exp / 2) * this.config.random();
  }

  private context(outcomeUnknown: boolean, cause?: unknown): ErrorContext {
    const context: ErrorContext = {
      operation: this.op.operationId,
      outcomeUnknown,
      safeToRepeat: this.retrySafe,
      attempts: this.attempts,
      cause,
    };
    if (this.call.rqId) context.rqId = this.call.rqId;
    // Errors raised later from this context (an unreadable answer) may turn it into an unknown outcome.
    // Built once per call: the operation and the prepared body do not change between attempts.
    if (!this.retrySafe && this.op.recovery)
      context.recovery = this.recovery ??= recoveryHint(this.op.recovery, this.body);
    return context;
  }
}

/**
 * A Response over a body already read (within the timeout): what the generated client parses and its response
 * interceptors see. Building a real Response would wrap the text in a web stream only to read it back at once.
 */
function answeredResponse(response: Response, bytes: Uint8Array): Response {
  const text = () => utf8.decode(bytes);
  const read = {
    ok: response.ok,
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    url: response.url,
    redirected: response.redirected,
    type: response.type,
    bodyUsed: false,
    text: async () => text(),
    json: async () => JSON.parse(text()) as unknown,
    arrayBuffer: async () => bytes.slice().buffer,
    clone: () => read,
  };
  return read as unknown as Response;
}

const utf8 = new TextDecoder();
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

/** The host of a URL for a message (never its credentials or query). */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return 'the host';
  }
}

/** The headers of the generated client's Request (lower-case names) without Content-Type, which the envelope sets. */
function requestHeaders(
  input: RequestInfo | URL,
  fallback: Record<string, string> | undefined,
): Record<string, string> {
  if (typeof Request === 'undefined' || !(input instanceof Request)) return { ...fallback };
  const out: Record<string, string> = {};
  input.headers.forEach((value, name) => {
    if (name !== 'content-type') out[name] = value;
  });
  return out;
}
/** Where a redirect pointed, host only (a URL may carry what does not belong in a log). */
function redirectHost(response: Response): string {
  try {
    return new URL(response.headers.get('location') ?? '', response.url || 'http://unknown').host || 'an unnamed place';
  } catch {
    return 'an unreadable location';
  }
}

/** Retry-After as seconds: either delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}
