// The floor a client's CPU per call is measured against: a minimal hand-written envelope client (node:crypto, PHP
// urlencode, JSON, the same fetch and Response handling, no validation, no retries, no typed errors), as the fastest
// JavaScript SDKs are. Only the codec is shared with the client, so both pay the same for AES and urlencode.
import { createAesKey, decryptData, encryptData } from '../../src/codec.ts';

export function handWrittenClient(
  merchantId: string,
  hashKey: string,
  hashIV: string,
  base: string,
  fetch: typeof globalThis.fetch,
) {
  const aes = createAesKey(hashKey, hashIV);
  return async (path: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const data = encryptData(aes, JSON.stringify({ MerchantID: merchantId, ...payload }));
    const body = JSON.stringify({
      MerchantID: merchantId,
      RqHeader: { Timestamp: Math.floor(Date.now() / 1000), Revision: '3.0.0' },
      Data: data,
    });
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    const envelope = JSON.parse(await response.text()) as { TransCode: number; Data: string };
    if (envelope.TransCode !== 1) throw new Error(`TransCode ${envelope.TransCode}`);
    const result = JSON.parse(decryptData(aes, envelope.Data)) as Record<string, unknown>;
    if (result.RtnCode !== 1) throw new Error(`RtnCode ${String(result.RtnCode)}`);
    return result;
  };
}
