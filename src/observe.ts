// What a user may watch of the client without ever seeing Data or the keys: request/response interceptors on the
// generated hey-api client (logging, OpenTelemetry) and the debug events, which ECPAY_EINVOICE_DEBUG=1 prints to
// stderr. Neither can change an outcome: a hook that throws or returns something odd is not allowed to turn an
// issued invoice into an error.
import type { Client } from '../generated/hey-api/client/index.ts';
import { EcpayError } from './errors.ts';
import type { DebugEvent } from './transport.ts';

/** What an interceptor is told about the call besides the HTTP message. */
export interface InterceptorInfo {
  /** The operationId, e.g. `b2cIssue`. */
  operation: string;
}

/**
 * Your own hooks on the HTTP messages of each call, for logging and tracing (OpenTelemetry). They run on the generated
 * hey-api client, before and after the client's transport, so they never see Data in plaintext nor the keys.
 */
export interface EinvoiceInterceptors {
  /**
   * Called once per call, before its first attempt, with the Request the generated client built: method, URL and
   * headers, and **no body** (the envelope is sealed per attempt inside the transport). Return a Request (e.g.
   * `new Request(request, { headers })` with a `traceparent` added, or a promise of one) to send its headers with
   * every attempt; anything else keeps the original. If it throws, the call fails with an EcpayError and nothing is sent.
   */
  request?: ((request: Request, info: InterceptorInfo) => unknown) | undefined;
  /**
   * Called once per call that succeeded, with ECPay's answer as it came over the wire: status, headers and the
   * envelope JSON with `Data` still encrypted (`await response.text()`; a document operation's body is the file). It
   * is a read-only stand-in for a Response (status, headers, text(), json(), arrayBuffer()), not a `Response`
   * instance. Failed calls do not reach it: they reject with an EcpayError (status, TransCode or RtnCode, `attempts`,
   * `rqId`), and every attempt is reported to `debug`. Observation only: its return value and its errors are ignored.
   */
  response?: ((response: Response, info: InterceptorInfo) => unknown) | undefined;
}

/** Registers the user's interceptors on the client's own hey-api client (one per createEinvoiceClient). */
export function installInterceptors(
  heyApi: Client,
  interceptors: EinvoiceInterceptors | undefined,
  operationOf: (path: string) => string,
): void {
  const { request, response } = interceptors ?? {};
  // The options' url is the operation's path as the SDK gave it (/B2CInvoice/Issue), whatever the base URL.
  const infoOf = (options: { url: string }): InterceptorInfo => ({ operation: operationOf(options.url) });
  if (request) {
    heyApi.interceptors.request.use(async (req, options) => {
      const info = infoOf(options);
      let replaced: unknown;
      try {
        replaced = await request(req, info);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new EcpayError(`your request interceptor threw (${reason}); nothing was sent`, {
          operation: info.operation,
          cause: error,
        });
      }
      return replaced instanceof Request ? replaced : req;
    });
  }
  if (response) {
    heyApi.interceptors.response.use(async (res, _req, options) => {
      try {
        await response(res, infoOf(options));
      } catch {
        // The answer is already read and judged: a failing observer must not turn an issued invoice into an error.
      }
      return res;
    });
  }
}

/** The debug hook to use: the caller's, plus a stderr printer when ECPAY_EINVOICE_DEBUG is set (and not 0/false). */
export function debugHook(hook: ((event: DebugEvent) => void) | undefined): ((event: DebugEvent) => void) | undefined {
  if (!debugFromEnvironment()) return hook;
  return (event) => {
    // The events carry no Data, payload or keys (src/transport.ts), so they are printed as they are.
    console.error(`[ecpay-einvoice] ${JSON.stringify(event)}`);
    hook?.(event);
  };
}

/** ECPAY_EINVOICE_DEBUG, read once per client; a runtime without it (or without permission, Deno) means off. */
export function debugFromEnvironment(): boolean {
  try {
    // Deno would stop and ask a person at a terminal for the permission to read it: ask Deno quietly instead.
    const deno = (
      globalThis as {
        Deno?: { permissions?: { querySync?: (d: { name: string; variable: string }) => { state: string } } };
      }
    ).Deno;
    const state = deno?.permissions?.querySync?.({ name: 'env', variable: 'ECPAY_EINVOICE_DEBUG' }).state;
    if (state !== undefined && state !== 'granted') return false;
    const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
      ?.ECPAY_EINVOICE_DEBUG;
    return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
  } catch {
    return false;
  }
}
