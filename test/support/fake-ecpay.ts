// A fake ECPay as an injectable fetch: it really decrypts each request and encrypts each answer with the stage key,
// and records what it received. No mocking library: the client runs unchanged against it.
import { createAesKey, decryptData, encryptData } from '../../src/codec.ts';
import { createEinvoiceClient, STAGE_CREDENTIALS, type EinvoiceClientConfig } from '../../src/client.ts';

export const stageAes = createAesKey(STAGE_CREDENTIALS.hashKey, STAGE_CREDENTIALS.hashIV);

export interface Received {
  url: string;
  headers: Headers;
  envelope: {
    PlatformID?: string;
    MerchantID: string;
    RqHeader: { Timestamp: number; Revision?: string; RqID?: string };
    Data: string;
  };
  /** The decrypted Data, parsed. */
  data: Record<string, unknown>;
}

export type Answer =
  | { result: Record<string, unknown>; transCode?: number; transMsg?: string; serverTime?: number }
  | { status?: number; body: string; headers?: Record<string, string> };

export function fakeEcpay(answer: (req: Received, index: number) => Answer | Promise<Answer>) {
  const received: Received[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const envelope = JSON.parse(String(init?.body));
    const req: Received = {
      url,
      headers: new Headers(init?.headers),
      envelope,
      data: JSON.parse(decryptData(stageAes, envelope.Data)),
    };
    received.push(req);
    const a = await answer(req, received.length - 1);
    if ('body' in a) return new Response(a.body, { status: a.status ?? 200, headers: a.headers ?? {} });
    const body = {
      MerchantID: envelope.MerchantID,
      RpHeader: { Timestamp: a.serverTime ?? envelope.RqHeader.Timestamp },
      TransCode: a.transCode ?? 1,
      TransMsg: a.transMsg ?? 'Success',
      Data: a.transCode && a.transCode !== 1 ? '' : encryptData(stageAes, JSON.stringify(a.result)),
    };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch, received };
}

/** A fixed clock: 2018-05-01T09:48:43Z, the Timestamp of the pages' own envelope examples. */
export const FIXED_NOW_MS = 1525168923_000;

/** A client of a fake ECPay (or any fetch): the stage merchant, the fixed clock, no retries; `extra` overrides. */
export const fakeClient = (fetch: typeof globalThis.fetch, extra: EinvoiceClientConfig = {}) =>
  createEinvoiceClient({ ...STAGE_CREDENTIALS, fetch, now: () => FIXED_NOW_MS, retry: { maxRetries: 0 }, ...extra });

/** A fetch that never answers until its signal aborts, then rejects with the signal's reason, as fetch does. */
export const hangingFetch = ((_: unknown, init?: RequestInit) =>
  new Promise<Response>((_resolve, reject) =>
    init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
  )) as typeof fetch;
