// The shapes shared by the generated registry (generated/operations/*.gen.ts) and the runtime that executes it.
import type { Client } from '../generated/hey-api/client/index.ts';
import type { ValidationIssue } from './errors.ts';
import type { CallbackSpec } from './callbacks.ts';
import type { PdfFile } from './document.ts';
import type { Formats } from './formats.ts';
import type { RateLimiter } from './limiter.ts';
import type { RecoverySpec } from './recovery.ts';
import type { Schema } from './schema.ts';

/**
 * What the runtime hands the generated SDK function for one call (a subset of hey-api's request options); what is
 * the same for every call (no serialiser, the answer as a stream, throw on error) is in the client's own config.
 */
export interface SdkCallOptions<P> {
  client: Client;
  body: P;
  fetch: typeof globalThis.fetch;
  headers?: Record<string, string>;
}

/**
 * What the envelope layer needs to know about one operation; generated from the spec, never written by hand.
 * `P` is its payload type and `R` its result type (`never`/`unknown` where any operation may be meant).
 */
export interface OperationSpec<P = never, R = unknown> {
  operationId: string;
  product: string;
  /** The facade name: einvoice.<product>.<method>. */
  method: string;
  path: string;
  /** RtnCodes that mean success (TriggerIssue: 1, 4000003 and 4000004). */
  successCodes: readonly number[];
  /** Whether a request that may have reached ECPay can be sent again (optionally only for some field values). */
  retry: { safe: boolean; safeWhen?: { field: string; in: readonly string[] } };
  /** Mutations: how to find out what happened when the outcome is unknown. */
  recovery?: RecoverySpec;
  /** Forms ECPay POSTs to a URL the request names. */
  callbacks?: readonly CallbackSpec<unknown>[];
  /** What a success means when RtnCode alone does not say it; the first whose condition holds is the result's `outcome`. */
  outcomes?: readonly { outcome: string; when: Schema }[];
  /** Paged queries: the request fields that page, and the result's total and items. */
  paging?: { page: string; size: string; total: string; items: string };
  /** How a success's Data comes back when it is not the usual encrypted envelope. */
  answer?: 'plain' | 'pdf';
  /** A document operation's reader: the file of a successful answer, undefined when the answer is an envelope. */
  readDocument?: (response: Response, bytes: Uint8Array) => PdfFile | undefined;
  /** B2B: the trading partner modes the operation applies to. */
  modes?: readonly ('exchange' | 'certification')[];
  /** ECPay's documented call rate for this operation; the client spaces its attempts to fit. */
  rateLimit?: { calls: number; seconds: number };
  /** Makes the limiter that keeps that rate (one per client): carried by the operations that have a rate. */
  limiter?: () => RateLimiter;
  /** A result field ECPay leaves out that later calls need; the client records the Taipei date of the answer in it. */
  recordsDate?: string;
  /** Result fields that echo request fields (result path: request path): an answer that differs is for another request. */
  echo?: Readonly<Record<string, string>>;
  /** The decrypted request Data schema: every rule checked before anything is sent. */
  request: Schema;
  /** The decrypted result Data schema: what a success is read into. */
  result: Schema;
  /** The format checkers its request and result schemas name (only those: a bundle carries no others). */
  formats: Formats;
  /** The generated SDK function: hey-api's fetch client, with the envelope as its fetch. */
  call(options: SdkCallOptions<P>): Promise<unknown>;
  /** Type only (never set): the result type, so that `core.call(op, payload)` is typed. */
  readonly resultType?: R;
}

/** Per-call options; each may be given as undefined (as when it comes from an unset environment variable). */
export interface CallOptions {
  /** Cancels the call; rejects with EcpayAbortError. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's timeout for this call (each attempt, body included). */
  timeoutMs?: number | undefined;
  /** Extra HTTP headers, e.g. `{ Prefer: 'example=businessFailure' }` to pick an example from the Prism mock. */
  headers?: Record<string, string> | undefined;
  /**
   * B2B: the RqID of this logical request; by default a fresh UUID v4, kept across retries. ECPay does not
   * de-duplicate on it: it identifies a request in ECPay's logs, it does not make a repeat safe.
   */
  rqId?: string | undefined;
}

/** The outer response envelope, kept for debugging. Never contains keys. */
export interface ResponseEnvelope {
  /** The merchant ECPay answered for; may differ from the one that asked (see the README's decisions). */
  MerchantID?: string;
  /** The platform vendor's ID, when the request carried one. */
  PlatformID?: string;
  /** ECPay's clock when it answered, in seconds since the epoch. */
  RpHeader?: { Timestamp?: number };
  /** 1 when ECPay accepted the envelope; anything else is an EcpayEnvelopeError. */
  TransCode: number;
  /** ECPay's message about the envelope. */
  TransMsg?: string;
}

/** What `operation.withEnvelope()` resolves to: the result plus how it arrived. */
export interface EnvelopeResult<R> {
  /** The decrypted, checked result: what calling the operation resolves to. */
  data: R;
  /** The answer's outer envelope (no Data). */
  envelope: ResponseEnvelope;
  /** HTTP attempts made (1 when nothing was retried). */
  attempts: number;
  /** The RqID sent (B2B only). */
  rqId?: string;
  /** Result values outside the documented lengths, enums or formats: reported, never turned into an error. */
  warnings: ValidationIssue[];
}

/** One typed operation: call it for the decrypted result, or `.withEnvelope()` for the envelope too. */
export interface Operation<P, R> {
  (payload: P, options?: CallOptions): Promise<R>;
  withEnvelope(payload: P, options?: CallOptions): Promise<EnvelopeResult<R>>;
}
