// createEinvoiceClient: checks the configuration once, then builds einvoice.b2c.* / einvoice.b2b.* from the generated
// registry. Nothing here is per operation: an operation added to the spec appears here after `make generate`.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { createClient, createConfig } from '../generated/hey-api/client/index.ts';
import { operations, products, type EinvoiceCallbacks, type EinvoiceOperations } from '../generated/operations.gen.ts';
import { readCallback, type CallbackBody } from './callbacks.ts';
import { RateLimiter } from './limiter.ts';
import { itemsOf, pagesOf } from './paging.ts';
import { createAesKey, type AesKey } from './codec.ts';
import { EcpayConfigError, EcpayError, EcpayResponseError, EcpayValidationError } from './errors.ts';
import { preparePayload } from './normalise.ts';
import type { CallOptions, EnvelopeResult, OperationSpec } from './operation.ts';
import { Exchange, type DebugEvent, type RetryPolicy, type TransportConfig } from './transport.ts';

/** ECPay's public stage test merchant (ECPay's docs and SDK examples). Not a secret; works on stage only. */
export const STAGE_CREDENTIALS = Object.freeze({
  merchantId: '2000132',
  hashKey: 'ejCk326UnaZWKisg',
  hashIV: 'q9jcZX8Ib9LM8wYk',
});

export const ENVIRONMENTS = Object.freeze({
  stage: 'https://einvoice-stage.ecpay.com.tw',
  production: 'https://einvoice.ecpay.com.tw',
});

export interface EinvoiceClientConfig {
  /** Your MerchantID. On stage it defaults, with the keys, to ECPay's public test merchant. */
  merchantId?: string;
  /** 16 characters, from ECPay's merchant dashboard. Required for production. */
  hashKey?: string;
  /** 16 characters, from ECPay's merchant dashboard. Required for production. */
  hashIV?: string;
  /** 'stage' (default), 'production', or any base URL (the Prism mock, a proxy). */
  environment?: 'stage' | 'production' | { baseUrl: string };
  /** Platform vendors only: sent as the envelope's PlatformID; MerchantID is then the bound sub-merchant. */
  platformId?: string;
  /** Replaces globalThis.fetch (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Milliseconds since the epoch; read for every attempt's RqHeader.Timestamp. */
  now?: () => number;
  /** Per attempt, response body included (default 30 000). */
  timeoutMs?: number;
  /** Retry policy for operations that are safe to repeat; `{ maxRetries: 0 }` turns retries off. */
  retry?: Partial<RetryPolicy>;
  /** B2B RqID generator (default crypto.randomUUID). */
  randomUUID?: () => string;
  /** Opt-in tracing of attempts, answers and retries; it never receives Data, payloads or keys. */
  debug?: (event: DebugEvent) => void;
}

export type EinvoiceClient = EinvoiceOperations & {
  /** Readers of the forms ECPay POSTs to your URLs (NotifyURL, ReturnURL), checked with your keys. */
  readonly callbacks: EinvoiceCallbacks;
  readonly merchantId: string;
  readonly baseUrl: string;
};

const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8_000 };

export function createEinvoiceClient(config: EinvoiceClientConfig = {}): EinvoiceClient {
  const settings = resolveConfig(config);
  const heyApi = createClient(createConfig({ baseUrl: settings.baseUrl }));
  const transport: TransportConfig = {
    aes: settings.aes,
    fetch: config.fetch ?? ((...args) => globalThis.fetch(...args)),
    now: config.now ?? Date.now,
    timeoutMs: settings.timeoutMs,
    retry: { ...DEFAULT_RETRY, ...config.retry },
    random: Math.random,
    debug: config.debug,
    limiters: new Map(
      Object.values(operations)
        .filter((op) => op.rateLimit)
        .map((op) => [op.operationId, new RateLimiter(op.rateLimit!.calls, op.rateLimit!.seconds)]),
    ),
  };
  const newRqId = config.randomUUID ?? randomUUID;

  async function run(op: OperationSpec, payload: unknown, options: CallOptions = {}): Promise<EnvelopeResult<unknown>> {
    const { body, issues } = preparePayload(op.request, payload, settings.merchantId, op.operationId);
    if (issues.length) throw new EcpayValidationError(issues, { operation: op.operationId });
    const product = products[op.product as keyof typeof products];
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
      await op.call({
        client: heyApi,
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
      });
    } catch (error) {
      if (error instanceof EcpayError) throw error;
      // Anything else (an interceptor of the user's, say) after ECPay answered must not hide the answer.
      const context = { operation: op.operationId, attempts: exchange.attempts, cause: error };
      if (exchange.answer) throw new EcpayResponseError('the operation succeeded, but reading its answer failed; do not send it again', context);
      throw error;
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

function isRetrySafe(op: OperationSpec, payload: Record<string, unknown>): boolean {
  if (op.retry.safe) return true;
  const when = op.retry.safeWhen;
  return when !== undefined && when.in.includes(String(payload[when.field]));
}

interface Settings {
  merchantId: string;
  baseUrl: string;
  platformId: string | undefined;
  aes: AesKey;
  timeoutMs: number;
}

function resolveConfig(config: EinvoiceClientConfig): Settings {
  const environment = config.environment ?? 'stage';
  let baseUrl: string;
  if (environment === 'stage' || environment === 'production') baseUrl = ENVIRONMENTS[environment];
  else if (environment && typeof environment === 'object' && typeof environment.baseUrl === 'string') {
    try {
      baseUrl = new URL(environment.baseUrl).toString().replace(/\/$/, '');
    } catch {
      throw new EcpayConfigError(`environment.baseUrl is not a URL: ${JSON.stringify(environment.baseUrl)}`);
    }
  } else throw new EcpayConfigError("environment must be 'stage', 'production' or { baseUrl }");

  const given = [config.merchantId, config.hashKey, config.hashIV].filter((v) => v !== undefined).length;
  if (given === 0 && environment !== 'stage') {
    throw new EcpayConfigError(
      `${environment === 'production' ? 'production' : 'a custom baseUrl'} needs explicit merchantId, hashKey and hashIV ` +
        "(ECPay's public test merchant is used by default only on 'stage'; for the mock pass STAGE_CREDENTIALS)",
    );
  }
  if (given !== 0 && given !== 3) throw new EcpayConfigError('give merchantId, hashKey and hashIV together, or none of them on stage');
  const creds = given === 0 ? STAGE_CREDENTIALS : (config as Required<Pick<EinvoiceClientConfig, 'merchantId' | 'hashKey' | 'hashIV'>>);
  if (typeof creds.merchantId !== 'string' || creds.merchantId.trim() === '' || creds.merchantId.length > 10) {
    throw new EcpayConfigError('merchantId must be a non-empty string of at most 10 characters');
  }
  if (environment === 'production' && creds.hashKey === STAGE_CREDENTIALS.hashKey) {
    throw new EcpayConfigError("production was given ECPay's public stage hashKey; use your merchant's own keys");
  }
  let aes: AesKey;
  try {
    if (typeof creds.hashKey !== 'string' || typeof creds.hashIV !== 'string') throw new RangeError('hashKey and hashIV must be strings');
    aes = createAesKey(creds.hashKey, creds.hashIV);
  } catch (error) {
    // The codec's message gives lengths only, never the values.
    throw new EcpayConfigError((error as Error).message);
  }
  if (config.platformId !== undefined && (typeof config.platformId !== 'string' || config.platformId.length > 10 || !config.platformId)) {
    throw new EcpayConfigError('platformId must be a non-empty string of at most 10 characters');
  }
  const timeoutMs = config.timeoutMs ?? 30_000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new EcpayConfigError('timeoutMs must be a positive number');
  if (config.fetch !== undefined && typeof config.fetch !== 'function') throw new EcpayConfigError('fetch must be a function');
  return { merchantId: creds.merchantId, baseUrl, platformId: config.platformId, aes, timeoutMs };
}
