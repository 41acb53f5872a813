// The client without the facade: one function that calls any operation spec, so that an application importing one
// operation bundles that one only (`einvoice.call(b2cIssue, payload)`). createEinvoiceClient builds the
// einvoice.b2c.* / einvoice.b2b.* facade over it. Nothing here is per operation.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { createClient, createConfig, type Client } from '../generated/hey-api/client/index.ts';
import { products } from '../generated/products.gen.ts';
import type { CallbackBody, CallbackNotice, CallbackSpec } from './callbacks.ts';
import { checkCallOptions, resolveConfig, type EinvoiceClientConfig } from './config.ts';
import { EcpayConfigError, EcpayError, EcpayResponseError, EcpayValidationError } from './errors.ts';
import type { RateLimiter } from './limiter.ts';
import { debugHook, installInterceptors } from './observe.ts';
import { preparePayload } from './normalise.ts';
import type { CallOptions, EnvelopeResult, OperationSpec } from './operation.ts';
import { Exchange, type TransportConfig } from './transport.ts';
import { Slots } from './wire.ts';

export interface EinvoiceCore {
  /** Calls one operation: `await einvoice.call(b2cIssue, payload)` resolves to its typed result. */
  call<P, R>(op: OperationSpec<P, R>, payload: P, options?: CallOptions): Promise<R>;
  /** As `call`, with the envelope, the attempts, the RqID and the result's warnings. */
  withEnvelope<P, R>(op: OperationSpec<P, R>, payload: P, options?: CallOptions): Promise<EnvelopeResult<R>>;
  /** Reads a form ECPay POSTs to your URL (a callback spec of an operation), checked with your keys. */
  readCallback<T>(spec: CallbackSpec<T>, body: CallbackBody): CallbackNotice<T>;
  readonly merchantId: string;
  readonly baseUrl: string;
}

export function createEinvoiceCore(config: EinvoiceClientConfig = {}): EinvoiceCore {
  const settings = resolveConfig(config);
  // What is the same for every call is configured once here, not merged into each call's options: the exchange
  // encrypts the prepared body itself (a serialised body would only be wrapped in a stream by the Request the
  // generated client builds, and never read); it has read and judged the answer already, so the generated client
  // hands back the wire answer's (already consumed) stream instead of parsing the envelope a second time.
  const heyApi = createClient(
    createConfig({
      baseUrl: settings.baseUrl,
      bodySerializer: skipSerialisation,
      parseAs: 'stream',
      throwOnError: true,
    }),
  );
  // The operations this core has called, by path: what an interceptor is told (the core has no registry to ask).
  const operationByPath = new Map<string, string>();
  installInterceptors(heyApi, config.interceptors, (path) => operationByPath.get(path) ?? path);
  const now = config.now ?? Date.now;
  const limiters = new Map<string, RateLimiter>();
  const transport: TransportConfig = {
    aes: settings.aes,
    fetch: config.fetch ?? ((...args) => globalThis.fetch(...args)),
    now: () => {
      const ms = now();
      if (!Number.isFinite(ms))
        throw new EcpayConfigError(`now() returned ${String(ms)}, not milliseconds since the epoch; nothing was sent`);
      return ms;
    },
    timeoutMs: settings.timeoutMs,
    retry: settings.retry,
    random: Math.random,
    debug: debugHook(config.debug),
    maxResponseBytes: settings.maxResponseBytes,
    slots: new Slots(settings.maxConnections),
    limiters,
    interceptsRequests: config.interceptors?.request !== undefined,
  };
  const newRqId = config.randomUUID ?? randomUUID;

  async function withEnvelope(
    op: OperationSpec<unknown, unknown>,
    payload: unknown,
    rawOptions: unknown,
  ): Promise<EnvelopeResult<unknown>> {
    const product = products[op.product as keyof typeof products];
    const options = checkCallOptions(rawOptions, op.operationId, product.sendsRqID);
    // One snapshot of the payload: validated, judged for retry safety and sent, with no second read of the caller's object.
    const { body, issues } = preparePayload(op.request, payload, settings.merchantId, op.operationId, op.formats);
    if (issues.length) throw new EcpayValidationError(issues, { operation: op.operationId });
    if (!operationByPath.has(op.path)) {
      operationByPath.set(op.path, op.operationId);
      if (op.limiter) limiters.set(op.operationId, op.limiter());
    }
    const rqId = product.sendsRqID ? (options.rqId ?? newRqId()) : undefined;
    const exchange = new Exchange(
      transport,
      op,
      {
        merchantId: String(body.MerchantID),
        revision: product.revision,
        ...(settings.platformId ? { platformId: settings.platformId } : {}),
        ...(rqId ? { rqId } : {}),
      },
      body,
      options,
      isRetrySafe(op, body),
    );
    try {
      await op.call(
        bindClient(heyApi, {
          // The prepared payload is the operation's payload type: preparePayload checked it against the same schema.
          body: body as never,
          fetch: exchange.fetch,
          ...(options.headers ? { headers: options.headers } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof EcpayError) throw error;
      // Anything else (a user's interceptor, say) after ECPay answered must not hide the answer.
      const context = {
        operation: op.operationId,
        attempts: exchange.attempts,
        cause: error,
        ...(rqId ? { rqId } : {}),
      };
      if (exchange.answer)
        throw new EcpayResponseError('reading the answer failed after ECPay reported success', {
          ...context,
          succeeded: true,
        });
      throw new EcpayResponseError(
        `the generated client failed (${error instanceof Error ? error.message : String(error)})`,
        { ...context, outcomeUnknown: exchange.attempts > 0 },
      );
    }
    const { envelope, result, warnings } = exchange.answer!;
    return { data: result, envelope, attempts: exchange.attempts, ...(rqId ? { rqId } : {}), warnings };
  }

  const summary = { merchantId: settings.merchantId, baseUrl: settings.baseUrl };
  const core: EinvoiceCore = {
    call: async <P, R>(op: OperationSpec<P, R>, payload: P, options?: CallOptions) =>
      (await withEnvelope(op as OperationSpec<unknown, unknown>, payload, options)).data as R,
    withEnvelope: <P, R>(op: OperationSpec<P, R>, payload: P, options?: CallOptions) =>
      withEnvelope(op as OperationSpec<unknown, unknown>, payload, options) as Promise<EnvelopeResult<R>>,
    readCallback: <T>(spec: CallbackSpec<T>, body: CallbackBody) => spec.read(spec, settings.aes, body),
    ...summary,
  };
  return Object.freeze({
    ...core,
    // Keys live only in closures; these make the public face explicit for logs and snapshots.
    toJSON: () => summary,
    [inspect.custom]: () => `EinvoiceCore ${inspect(summary)}`,
  });
}

const skipSerialisation = () => '';

/**
 * The call's options with this core's hey-api client bound to them, for the generated SDK function. The SDK picks
 * its client by property access (`options.client ?? client`), then spreads the options into the fetch client's
 * request, which spreads them again into the `Request` init. Deno reads a `client` key of a RequestInit as a
 * Deno.HttpClient and refuses anything else ("'client' must be a Deno.HttpClient", hey-api issue #4177). So `client`
 * is defined non-enumerable: the SDK still finds it, and object spread, which copies own enumerable properties
 * only, leaves it out of every init. The generated SDK stays in the call path, unedited.
 */
function bindClient<T extends object>(client: Client, options: T): T & { client: Client } {
  return Object.defineProperty(options, 'client', { value: client, enumerable: false, writable: false }) as T & {
    client: Client;
  };
}

function isRetrySafe(op: OperationSpec<unknown, unknown>, payload: Record<string, unknown>): boolean {
  if (op.retry.safe) return true;
  const when = op.retry.safeWhen;
  return when !== undefined && when.in.includes(String(payload[when.field]));
}
