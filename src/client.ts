// createEinvoiceClient: checks the configuration once, then builds einvoice.b2c.* / einvoice.b2b.* and
// einvoice.callbacks.* from the generated registry. Nothing here is per operation: an operation added to the spec
// appears here after `make generate`.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { createClient, createConfig, type Client } from '../generated/hey-api/client/index.ts';
import { operations, products, type EinvoiceCallbacks, type EinvoiceOperations } from '../generated/operations.gen.ts';
import { readCallback, type CallbackBody } from './callbacks.ts';
import { checkCallOptions, resolveConfig, type EinvoiceClientConfig } from './config.ts';
import { EcpayConfigError, EcpayError, EcpayResponseError, EcpayValidationError } from './errors.ts';
import { RateLimiter } from './limiter.ts';
import { preparePayload } from './normalise.ts';
import type { CallOptions, EnvelopeResult, OperationSpec } from './operation.ts';
import { debugHook, installInterceptors } from './observe.ts';
import { itemsOf, pagesOf } from './paging.ts';
import { Exchange, type TransportConfig } from './transport.ts';
import { Slots } from './wire.ts';

export { ENVIRONMENTS, STAGE_CREDENTIALS, type EinvoiceClientConfig } from './config.ts';

/** What createEinvoiceClient returns: `einvoice.b2c.*`, `einvoice.b2b.*` and `einvoice.callbacks.*`. */
export type EinvoiceClient = EinvoiceOperations & {
  /** Readers of the forms ECPay POSTs to your URLs (NotifyURL, ReturnURL), checked with your keys. */
  readonly callbacks: EinvoiceCallbacks;
  /** The MerchantID the client sends (yours, or the public stage merchant's). */
  readonly merchantId: string;
  /** The base URL every call goes to: ECPay's stage or production server, or your own (the mock, a proxy). */
  readonly baseUrl: string;
};

/**
 * Creates a client: checks the configuration at once (an EcpayConfigError says what is wrong; nothing is sent), then
 * gives `einvoice.b2c.<operation>(payload)`, `einvoice.b2b.<operation>(payload)` and `einvoice.callbacks.*`. The keys
 * stay inside it: no error, log line, `inspect` or `JSON.stringify` of it shows them.
 */
export function createEinvoiceClient(config: EinvoiceClientConfig = {}): EinvoiceClient {
  const settings = resolveConfig(config);
  const heyApi = createClient(createConfig({ baseUrl: settings.baseUrl }));
  const operationByPath = new Map(Object.values(operations).map((op) => [op.path, op.operationId]));
  installInterceptors(heyApi, config.interceptors, (path) => operationByPath.get(path) ?? path);
  const now = config.now ?? Date.now;
  const transport: TransportConfig = {
    aes: settings.aes,
    fetch: config.fetch ?? ((...args) => globalThis.fetch(...args)),
    now: () => {
      const ms = now();
      if (!Number.isFinite(ms)) throw new EcpayConfigError(`now() returned ${String(ms)}, not milliseconds since the epoch; nothing was sent`);
      return ms;
    },
    timeoutMs: settings.timeoutMs,
    retry: settings.retry,
    random: Math.random,
    debug: debugHook(config.debug),
    maxResponseBytes: settings.maxResponseBytes,
    slots: new Slots(settings.maxConnections),
    limiters: new Map(
      Object.values(operations)
        .filter((op) => op.rateLimit)
        .map((op) => [op.operationId, new RateLimiter(op.rateLimit!.calls, op.rateLimit!.seconds)]),
    ),
  };
  const newRqId = config.randomUUID ?? randomUUID;

  async function run(op: OperationSpec, payload: unknown, rawOptions: unknown): Promise<EnvelopeResult<unknown>> {
    const product = products[op.product as keyof typeof products];
    const options = checkCallOptions(rawOptions, op.operationId, product.sendsRqID);
    // One snapshot of the payload: validated, judged for retry safety and sent, with no second read of the caller's object.
    const { body, issues } = preparePayload(op.request, payload, settings.merchantId, op.operationId);
    if (issues.length) throw new EcpayValidationError(issues, { operation: op.operationId });
    const rqId = product.sendsRqID ? (options.rqId ?? newRqId()) : undefined;
    const exchange = new Exchange(
      transport,
      op,
      { merchantId: String(body.MerchantID), revision: product.revision, ...(settings.platformId ? { platformId: settings.platformId } : {}), ...(rqId ? { rqId } : {}) },
      body,
      options,
      isRetrySafe(op, body),
    );
    try {
      await op.call(bindClient(heyApi, {
        // The prepared payload is the operation's payload type: preparePayload checked it against the same schema.
        body: body as never,
        // The exchange encrypts the prepared body itself; a serialised body would only be wrapped in a stream by the
        // Request the generated client builds and never read.
        bodySerializer: skipSerialisation,
        fetch: exchange.fetch,
        // The generated client parses the wire answer; its transformer hands back the result the exchange read.
        parseAs: op.answer === 'pdf' ? 'arrayBuffer' : 'json',
        responseTransformer: async () => exchange.answer!.result,
        throwOnError: true,
        ...(options.headers ? { headers: options.headers } : {}),
      }));
    } catch (error) {
      if (error instanceof EcpayError) throw error;
      // Anything else (a user's interceptor, say) after ECPay answered must not hide the answer.
      const context = { operation: op.operationId, attempts: exchange.attempts, cause: error, ...(rqId ? { rqId } : {}) };
      if (exchange.answer) throw new EcpayResponseError('reading the answer failed after ECPay reported success', { ...context, succeeded: true });
      throw new EcpayResponseError(`the generated client failed (${error instanceof Error ? error.message : String(error)})`, { ...context, outcomeUnknown: exchange.attempts > 0 });
    }
    const { envelope, result, warnings } = exchange.answer!;
    return { data: result, envelope, attempts: exchange.attempts, ...(rqId ? { rqId } : {}), warnings };
  }

  const facade: Record<string, Record<string, unknown>> = {};
  const callbacks: Record<string, (body: CallbackBody) => unknown> = {};
  for (const op of Object.values(operations)) {
    for (const spec of op.callbacks ?? []) callbacks[spec.name] = (body: CallbackBody) => readCallback(spec, settings.aes, body);
    const withEnvelope = (payload: unknown, options?: CallOptions) => run(op, payload, options);
    const call = async (payload: unknown, options?: CallOptions) => (await withEnvelope(payload, options)).data;
    const paged = op.paging ? { pages: pagesOf(op.paging, call) } : undefined;
    const extra = paged ? { ...paged, items: itemsOf(op.paging!, paged.pages) } : {};
    (facade[op.product.toLowerCase()] ??= {})[op.method] = Object.assign(call, { withEnvelope }, extra);
  }

  const summary = { merchantId: settings.merchantId, baseUrl: settings.baseUrl };
  return Object.freeze({
    ...(facade as unknown as EinvoiceOperations),
    callbacks: Object.freeze(callbacks) as unknown as EinvoiceCallbacks,
    ...summary,
    // Keys live only in closures; these make the public face explicit for logs and snapshots.
    toJSON: () => summary,
    [inspect.custom]: () => `EinvoiceClient ${inspect(summary)}`,
  }) as EinvoiceClient;
}

const skipSerialisation = () => '';

/**
 * The call's options with this client's hey-api client bound to them, for the generated SDK function. The SDK picks
 * its client by property access (`options.client ?? client`), then spreads the options into the fetch client's
 * request, which spreads them again into the `Request` init. Deno reads a `client` key of a RequestInit as a
 * Deno.HttpClient and refuses anything else ("'client' must be a Deno.HttpClient", hey-api issue #4177). So `client`
 * is defined non-enumerable: the SDK still finds it, and object spread, which copies own enumerable properties
 * only, leaves it out of every init. The generated SDK stays in the call path, unedited.
 */
function bindClient<T extends object>(client: Client, options: T): T & { client: Client } {
  return Object.defineProperty(options, 'client', { value: client, enumerable: false, writable: false }) as T & { client: Client };
}

function isRetrySafe(op: OperationSpec, payload: Record<string, unknown>): boolean {
  if (op.retry.safe) return true;
  const when = op.retry.safeWhen;
  return when !== undefined && when.in.includes(String(payload[when.field]));
}
