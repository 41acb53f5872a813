// The client's configuration and each call's options, checked before anything is sent: a value that would loop,
// hang, leak a secret or report a false "outcome unknown" is refused at once with an EcpayConfigError that says what
// to do. Messages never quote a key, an IV or the credentials of a URL.
import { createAesKey, type AesKey } from './codec.ts';
import { EcpayConfigError } from './errors.ts';
import type { EinvoiceInterceptors } from './observe.ts';
import type { CallOptions } from './operation.ts';
import type { DebugEvent, RetryPolicy } from './transport.ts';

/** ECPay's public stage test merchant (ECPay's docs and SDK examples). Not a secret; works on stage only. */
export const STAGE_CREDENTIALS = Object.freeze({
  merchantId: '2000132',
  hashKey: 'ejCk326UnaZWKisg',
  hashIV: 'q9jcZX8Ib9LM8wYk',
});

/** The base URLs of ECPay's two servers, by the names `environment` takes. */
export const ENVIRONMENTS = Object.freeze({
  stage: 'https://einvoice-stage.ecpay.com.tw',
  production: 'https://einvoice.ecpay.com.tw',
});

/**
 * The configuration of createEinvoiceClient. Every option may be given as `undefined` (an unset environment
 * variable, under `exactOptionalPropertyTypes` too); for the three keys, undefined is then an error, never a fallback.
 */
export interface EinvoiceClientConfig {
  /**
   * Your MerchantID. Give merchantId, hashKey and hashIV together, or leave all three out on stage for ECPay's public
   * test merchant. A key that is present but undefined (an unset environment variable) is an error, never a fallback.
   */
  merchantId?: string | undefined;
  /** 16 characters, from ECPay's merchant dashboard. Required for production. */
  hashKey?: string | undefined;
  /** 16 characters, from ECPay's merchant dashboard. Required for production. */
  hashIV?: string | undefined;
  /** 'stage' (default), 'production', or any http(s) base URL (the Prism mock, a proxy), without credentials or query. */
  environment?: 'stage' | 'production' | { baseUrl: string } | undefined;
  /** Platform vendors only: sent as the envelope's PlatformID; MerchantID is then the bound sub-merchant. */
  platformId?: string | undefined;
  /** Replaces globalThis.fetch (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Milliseconds since the epoch; read for every attempt's RqHeader.Timestamp. */
  now?: (() => number) | undefined;
  /** Per attempt, response body included: 1 to 2 147 483 647 ms (default 30 000). */
  timeoutMs?: number | undefined;
  /** Retry policy for operations that are safe to repeat; `{ maxRetries: 0 }` turns retries off. */
  retry?: { [K in keyof RetryPolicy]?: RetryPolicy[K] | undefined } | undefined;
  /** Largest answer read, in bytes (default 16 MiB: a PDF or a 200-invoice page fits many times over). */
  maxResponseBytes?: number | undefined;
  /** Requests in flight at once per client; the rest wait their turn (default 32). */
  maxConnections?: number | undefined;
  /** B2B RqID generator (default crypto.randomUUID). */
  randomUUID?: (() => string) | undefined;
  /**
   * Opt-in tracing of attempts, answers and retries; it never receives Data, payloads or keys. Setting the
   * environment variable ECPAY_EINVOICE_DEBUG=1 prints the same events to stderr, with or without this hook.
   */
  debug?: ((event: DebugEvent) => void) | undefined;
  /** Your own request/response hooks on each call's HTTP messages (logging, tracing); never shown Data or keys. */
  interceptors?: EinvoiceInterceptors | undefined;
}

export interface Settings {
  merchantId: string;
  baseUrl: string;
  platformId: string | undefined;
  aes: AesKey;
  timeoutMs: number;
  retry: RetryPolicy;
  maxResponseBytes: number;
  maxConnections: number;
}

const MAX_TIMER_MS = 2_147_483_647; // setTimeout's largest delay; beyond it Node fires after 1 ms
const fail = (message: string): never => {
  throw new EcpayConfigError(message);
};

function inRange(value: unknown, name: string, min: number, max: number, integer = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    fail(
      `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got ${typeof value === 'number' ? value : typeof value})`,
    );
  }
  return value as number;
}

function baseUrlOf(environment: EinvoiceClientConfig['environment']): string {
  if (environment === undefined || environment === 'stage' || environment === 'production')
    return ENVIRONMENTS[environment ?? 'stage'];
  if (!environment || typeof environment !== 'object' || typeof environment.baseUrl !== 'string') {
    return fail("environment must be 'stage', 'production' or { baseUrl: 'https://...' }");
  }
  const raw = environment.baseUrl;
  // Checked on the text itself, before anything parses or quotes it: "user:pw@host" without a scheme parses as the
  // scheme "user:", and credentials must reach no message or log. No message here quotes the URL.
  if (raw.includes('@'))
    fail('environment.baseUrl must not carry a user or password (nothing with "@"); ECPay authenticates by the keys');
  if (raw.includes('?') || raw.includes('#'))
    fail('environment.baseUrl must not have a query or a fragment ("?" or "#"): operation paths are appended to it');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('environment.baseUrl is not a URL: give it as http://host:port or https://host');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail('environment.baseUrl must start with http:// or https://');
  return url.toString().replace(/\/$/, '');
}

export function resolveConfig(config: EinvoiceClientConfig): Settings {
  if (config === null || typeof config !== 'object') fail('the configuration must be an object');
  const environment = config.environment ?? 'stage';
  const baseUrl = baseUrlOf(config.environment);

  // Present keys count, even undefined ones: an unset environment variable must not fall back to the test merchant.
  const named = (['merchantId', 'hashKey', 'hashIV'] as const).filter((k) => k in config);
  if (named.length === 0 && environment !== 'stage') {
    fail(
      `${environment === 'production' ? 'production' : 'a custom baseUrl'} needs explicit merchantId, hashKey and hashIV ` +
        "(ECPay's public test merchant is used by default only on 'stage'; for the mock pass STAGE_CREDENTIALS)",
    );
  }
  if (named.length !== 0 && named.length !== 3)
    fail('give merchantId, hashKey and hashIV together, or none of them on stage');
  const missing = named.filter((k) => config[k] === undefined);
  if (missing.length)
    fail(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} undefined: is the environment variable set?`);
  const creds = named.length
    ? { merchantId: config.merchantId!, hashKey: config.hashKey!, hashIV: config.hashIV! }
    : STAGE_CREDENTIALS;
  if (typeof creds.merchantId !== 'string' || creds.merchantId.trim() === '' || creds.merchantId.length > 10) {
    fail('merchantId must be a non-empty string of at most 10 characters');
  }
  if (environment === 'production' && creds.hashKey === STAGE_CREDENTIALS.hashKey) {
    fail("production was given ECPay's public stage hashKey; use your merchant's own keys");
  }
  let aes: AesKey | undefined;
  try {
    if (typeof creds.hashKey !== 'string' || typeof creds.hashIV !== 'string')
      throw new RangeError('hashKey and hashIV must be strings');
    aes = createAesKey(creds.hashKey, creds.hashIV);
  } catch (error) {
    // The codec's message gives lengths only, never the values.
    fail((error as Error).message);
  }
  if (
    config.platformId !== undefined &&
    (typeof config.platformId !== 'string' || !config.platformId || config.platformId.length > 10)
  ) {
    fail('platformId must be a non-empty string of at most 10 characters');
  }
  for (const name of ['fetch', 'now', 'randomUUID', 'debug'] as const) {
    if (config[name] !== undefined && typeof config[name] !== 'function') fail(`${name} must be a function`);
  }
  if (config.interceptors !== undefined) {
    const hooks = config.interceptors as unknown;
    if (hooks === null || typeof hooks !== 'object')
      fail('interceptors must be an object like { request(req) {}, response(res) {} }');
    for (const [name, value] of Object.entries(hooks as object)) {
      if (name !== 'request' && name !== 'response')
        fail(`interceptors.${name} is not an interceptor (known: request, response)`);
      if (value !== undefined && typeof value !== 'function') fail(`interceptors.${name} must be a function`);
    }
  }
  const retry = config.retry ?? {};
  if (typeof retry !== 'object' || retry === null) fail('retry must be an object like { maxRetries: 2 }');
  return {
    merchantId: creds.merchantId,
    baseUrl,
    platformId: config.platformId,
    aes: aes!,
    timeoutMs: inRange(config.timeoutMs ?? 30_000, 'timeoutMs', 1, MAX_TIMER_MS),
    retry: {
      maxRetries: inRange(retry.maxRetries ?? 2, 'retry.maxRetries', 0, 10, true),
      baseDelayMs: inRange(retry.baseDelayMs ?? 500, 'retry.baseDelayMs', 0, MAX_TIMER_MS),
      maxDelayMs: inRange(retry.maxDelayMs ?? 8_000, 'retry.maxDelayMs', 0, MAX_TIMER_MS),
    },
    maxResponseBytes: inRange(config.maxResponseBytes ?? 16 * 1024 * 1024, 'maxResponseBytes', 1024, 2 ** 31, true),
    maxConnections: inRange(config.maxConnections ?? 32, 'maxConnections', 1, 4096, true),
  };
}

// Headers that frame the request or steer the connection belong to the client: a caller's value would hang the
// request or turn a clean failure into a false "outcome unknown".
const RESERVED_HEADERS = new Set([
  'content-length',
  'content-type',
  'transfer-encoding',
  'expect',
  'upgrade',
  'connection',
  'keep-alive',
  'host',
  'te',
  'trailer',
  'proxy-connection',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CALL_OPTIONS = ['signal', 'timeoutMs', 'headers', 'rqId'];
const NO_OPTIONS: CallOptions = Object.freeze({});

/** One call's options, checked before anything is sent. `null` and `undefined` mean none. */
export function checkCallOptions(options: unknown, operation: string, sendsRqID: boolean): CallOptions {
  const refuse = (message: string): never => {
    throw new EcpayConfigError(`${message}; nothing was sent`, { operation });
  };
  if (options === undefined || options === null) return NO_OPTIONS;
  if (typeof options !== 'object' || Array.isArray(options)) return refuse('the call options must be an object');
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!CALL_OPTIONS.includes(key)) refuse(`${key} is not a call option (known: ${CALL_OPTIONS.join(', ')})`);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    refuse('signal must be an AbortSignal (from an AbortController)');
  if (o.timeoutMs !== undefined) {
    const t = o.timeoutMs;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 1 || t > MAX_TIMER_MS)
      refuse(`timeoutMs must be a number from 1 to ${MAX_TIMER_MS} (got ${String(t)})`);
  }
  if (o.headers !== undefined) {
    if (o.headers === null || typeof o.headers !== 'object' || Array.isArray(o.headers))
      refuse('headers must be an object of header names and text values');
    for (const [name, value] of Object.entries(o.headers as object)) {
      if (!TOKEN.test(name))
        refuse(`headers has a name that is not a header name: ${JSON.stringify(name.slice(0, 40))}`);
      if (RESERVED_HEADERS.has(name.toLowerCase()))
        refuse(`headers may not set ${name}: the client frames the request and owns the connection`);
      if (typeof value !== 'string' || /[\r\n\0]/.test(value)) refuse(`headers.${name} must be text on one line`);
    }
  }
  if (o.rqId !== undefined) {
    if (!sendsRqID) refuse('rqId is for B2B operations; B2C requests carry no RqID');
    if (typeof o.rqId !== 'string' || o.rqId.trim() === '' || o.rqId.length > 64)
      refuse('rqId must be a non-empty string of at most 64 characters');
  }
  return o as CallOptions;
}
