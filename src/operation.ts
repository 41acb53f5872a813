// The shapes shared by the generated registry (generated/operations.gen.ts) and the runtime that executes it.

/** What the envelope layer needs to know about one operation; generated from the spec, never written by hand. */
export interface OperationSpec {
  operationId: string;
  product: string;
  /** The facade name: einvoice.<product>.<method>. */
  method: string;
  path: string;
  /** RtnCodes that mean success (TriggerIssue: 4000003 and 4000004, not 1). */
  successCodes: readonly number[];
  /** Whether a request that may have reached ECPay can be sent again (optionally only for some field values). */
  retry: { safe: boolean; safeWhen?: { field: string; in: readonly string[] } };
  /** Every field the payload may have; anything else is refused before sending. */
  fields: readonly string[];
  /** At least one of these groups must all have a value (the page's "required if X has no value"). */
  anyOfRequired: readonly (readonly string[])[];
  /** When the key has a value, the listed fields must have one too. */
  dependentRequired: Readonly<Record<string, readonly string[]>>;
  /** The generated SDK function (plaintext body, zod validation on both sides). */
  call: (options: any) => Promise<unknown>;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call; rejects with EcpayAbortError. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call (each attempt, body included). */
  timeoutMs?: number;
  /** Extra HTTP headers, e.g. `{ Prefer: 'example=businessFailure' }` to pick an example from the Prism mock. */
  headers?: Record<string, string>;
  /** B2B: the idempotency key of this logical request; by default a fresh UUID v4, kept across retries. */
  rqId?: string;
}

/** The outer response envelope, kept for debugging. Never contains keys. */
export interface ResponseEnvelope {
  MerchantID?: string;
  PlatformID?: string;
  RpHeader?: { Timestamp?: number };
  TransCode: number;
  TransMsg?: string;
}

/** What `operation.withEnvelope()` resolves to: the result plus how it arrived. */
export interface EnvelopeResult<R> {
  data: R;
  envelope: ResponseEnvelope;
  /** HTTP attempts made (1 when nothing was retried). */
  attempts: number;
  /** The RqID sent (B2B only). */
  rqId?: string;
}

/** One typed operation: call it for the decrypted result, or `.withEnvelope()` for the envelope too. */
export interface Operation<P, R> {
  (payload: P, options?: CallOptions): Promise<R>;
  withEnvelope(payload: P, options?: CallOptions): Promise<EnvelopeResult<R>>;
}
