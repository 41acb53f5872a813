// The one place that knows the envelope: what wraps a plaintext payload on the way out, and how an answer is checked
// on the way back (TransCode, then decryption, then RtnCode against the operation's success codes).
import { decryptData, encryptData, type AesKey } from './codec.ts';
import { EcpayBusinessError, EcpayEnvelopeError, EcpayResponseError, type ErrorContext } from './errors.ts';
import type { OperationSpec, ResponseEnvelope } from './operation.ts';

export interface OutgoingCall {
  merchantId: string;
  platformId?: string;
  revision: string;
  rqId?: string;
  /** Base64 ciphertext of the payload: encrypted once per call, since only RqHeader changes between attempts. */
  data: string;
}

/** Encrypts the payload with MerchantID first (the order ECPay's own examples and the vectors use). */
export function sealPayload(aes: AesKey, merchantId: string, payload: Record<string, unknown>): string {
  const { MerchantID: _given, ...rest } = payload;
  return encryptData(aes, JSON.stringify({ MerchantID: merchantId, ...rest }));
}

/** The JSON body of one attempt. The timestamp is read per attempt so that a retry is never stale. */
export function envelopeBody(call: OutgoingCall, timestampSeconds: number): string {
  const RqHeader: Record<string, unknown> = { Timestamp: timestampSeconds, Revision: call.revision };
  if (call.rqId) RqHeader.RqID = call.rqId;
  const envelope: Record<string, unknown> = {};
  if (call.platformId) envelope.PlatformID = call.platformId;
  envelope.MerchantID = call.merchantId;
  envelope.RqHeader = RqHeader;
  envelope.Data = call.data;
  return JSON.stringify(envelope);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface OpenedResponse {
  envelope: ResponseEnvelope;
  /** The decrypted Data as JSON text (passed on to the generated client, which parses and validates it). */
  json: string;
  /** The same, parsed: kept for an error that must carry the result. */
  data: Record<string, unknown>;
}

/**
 * Checks an answer in ECPay's order. `nowSeconds` is our clock when the answer arrived (for the skew estimate).
 * Throws EcpayEnvelopeError, EcpayResponseError or EcpayBusinessError; returns only a success.
 */
export function openResponse(
  aes: AesKey,
  op: OperationSpec,
  bodyText: string,
  nowSeconds: number,
  context: ErrorContext,
): OpenedResponse {
  // After a 2xx, an unreadable answer leaves us not knowing whether ECPay acted.
  const unsure = { ...context, outcomeUnknown: true };
  let outer: unknown;
  try {
    outer = JSON.parse(bodyText);
  } catch (cause) {
    throw new EcpayResponseError(`the response is not JSON (starts with ${JSON.stringify(bodyText.slice(0, 40))})`, { ...unsure, cause });
  }
  if (outer === null || typeof outer !== 'object' || Array.isArray(outer)) {
    throw new EcpayResponseError('the response is not a JSON object', unsure);
  }
  const raw = outer as Record<string, unknown>;
  if (typeof raw.TransCode !== 'number') throw new EcpayResponseError('the response has no numeric TransCode', unsure);
  const envelope: ResponseEnvelope = { TransCode: raw.TransCode };
  if (typeof raw.MerchantID === 'string') envelope.MerchantID = raw.MerchantID;
  if (typeof raw.PlatformID === 'string') envelope.PlatformID = raw.PlatformID;
  if (typeof raw.TransMsg === 'string') envelope.TransMsg = raw.TransMsg;
  const serverTime = (raw.RpHeader as { Timestamp?: unknown } | undefined)?.Timestamp;
  if (raw.RpHeader && typeof raw.RpHeader === 'object') {
    envelope.RpHeader = typeof serverTime === 'number' ? { Timestamp: serverTime } : {};
  }

  if (raw.TransCode !== 1) {
    const skew = typeof serverTime === 'number' ? serverTime - nowSeconds : undefined;
    throw new EcpayEnvelopeError(raw.TransCode, envelope.TransMsg ?? '', envelope, skew, context);
  }
  if (typeof raw.Data !== 'string' || raw.Data === '') {
    throw new EcpayResponseError('TransCode is 1 but the response has no Data', unsure);
  }
  if (raw.Data.length % 4 !== 0 || !BASE64.test(raw.Data)) {
    throw new EcpayResponseError('Data is not Base64', unsure);
  }
  let json: string;
  try {
    json = decryptData(aes, raw.Data);
  } catch (cause) {
    // Bad padding almost always means another key: never say which key, only that it did not fit.
    throw new EcpayResponseError('Data could not be decrypted (wrong HashKey/HashIV for this merchant, or corrupted Data)', { ...unsure, cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (cause) {
    throw new EcpayResponseError('Data decrypted to something that is not JSON', { ...unsure, cause });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new EcpayResponseError('Data decrypted to JSON that is not an object', unsure);
  }
  const result = data as Record<string, unknown>;
  // ECPay is loose about numbers vs strings: judge "4000004" by its value, and let the schema check report the type.
  const rtnCode = typeof result.RtnCode === 'string' && /^-?\d+$/.test(result.RtnCode) ? Number(result.RtnCode) : result.RtnCode;
  if (typeof rtnCode !== 'number') throw new EcpayResponseError('the decrypted Data has no RtnCode', unsure);
  if (!op.successCodes.includes(rtnCode)) {
    throw new EcpayBusinessError(rtnCode, typeof result.RtnMsg === 'string' ? result.RtnMsg : '', result, envelope, context);
  }
  return { envelope, json, data: result };
}
