// Malformed answers and faults from a real node:http server on loopback. Each must raise its typed error: never an
// unhandled rejection, never a wrong success, never a hang (the timeouts here are short and the server is local).
import { describe, expect, it } from 'vitest';
import {
  createEinvoiceClient,
  EcpayAbortError,
  EcpayBusinessError,
  EcpayConnectionError,
  EcpayEnvelopeError,
  EcpayHttpError,
  EcpayResponseError,
  EcpayTimeoutError,
  EcpayUnexpectedShapeError,
  STAGE_CREDENTIALS,
} from '../../src/index.ts';
import { createAesKey, encryptData } from '../../src/codec.ts';
import { stageAes } from '../support/fake-ecpay.ts';
import { loopbacks, rejection } from '../support/hostile.ts';
import { ecpayAnswer, type Handler } from '../support/loopback.ts';

const serve = loopbacks();

async function callWith(handler: Handler, options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const server = await serve(handler);
  const einvoice = createEinvoiceClient({
    ...STAGE_CREDENTIALS,
    environment: { baseUrl: server.url },
    timeoutMs: options.timeoutMs ?? 2_000,
    retry: { maxRetries: 0 },
  });
  const error = await rejection(
    einvoice.b2c.updateInvoiceWordStatus(
      { TrackID: 'T1', InvoiceStatus: 2 },
      options.signal ? { signal: options.signal } : {},
    ),
  );
  return { error, server };
}

const reply =
  (status: number, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Handler =>
  (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
const envelope = (fields: Record<string, unknown>) =>
  JSON.stringify({ MerchantID: '2000132', RpHeader: { Timestamp: 1 }, ...fields });
const otherKey = createAesKey('0000000000000000', '1111111111111111');

const malformed: [string, Handler, new (...a: any[]) => Error, RegExp][] = [
  ['HTTP 200 with non-JSON', reply(200, 'OK'), EcpayResponseError, /not JSON/],
  [
    'an HTML error page',
    reply(200, '<html><body>Error</body></html>', { 'Content-Type': 'text/html' }),
    EcpayResponseError,
    /not JSON/,
  ],
  ['an empty body', reply(200, ''), EcpayResponseError, /not JSON/],
  ['JSON without Data', reply(200, envelope({ TransCode: 1, TransMsg: '' })), EcpayResponseError, /no Data/],
  [
    'TransCode != 1 with empty Data',
    reply(200, envelope({ TransCode: 10000006, TransMsg: 'error', Data: '' })),
    EcpayEnvelopeError,
    /TransCode 10000006/,
  ],
  ['Data that is not Base64', reply(200, envelope({ TransCode: 1, Data: '***' })), EcpayResponseError, /not Base64/],
  [
    'Data under another key',
    reply(200, envelope({ TransCode: 1, Data: encryptData(otherKey, '{"RtnCode":1,"RtnMsg":""}') })),
    EcpayResponseError,
    /could not be decrypted/,
  ],
  [
    'Data that decrypts to non-JSON',
    reply(200, envelope({ TransCode: 1, Data: encryptData(stageAes, '<xml/>') })),
    EcpayResponseError,
    /not JSON/,
  ],
  [
    'decrypted JSON without RtnCode',
    reply(200, ecpayAnswer({ RtnMsg: 'no code' })),
    EcpayResponseError,
    /no numeric RtnCode/,
  ],
  [
    'a failure RtnCode as a string',
    reply(200, ecpayAnswer({ RtnCode: '1600003', RtnMsg: 'x' })),
    EcpayBusinessError,
    /RtnCode 1600003/,
  ],
  [
    'a success whose RtnMsg is not text',
    reply(200, ecpayAnswer({ RtnCode: 1, RtnMsg: { nested: true } })),
    EcpayUnexpectedShapeError,
    /succeeded/,
  ],
  [
    "HTTP 403 (ECPay's rate limit)",
    reply(403, 'Forbidden', { 'Content-Type': 'text/plain' }),
    EcpayHttpError,
    /rate limit/,
  ],
  ['HTTP 429', reply(429, '', { 'Retry-After': '3600' }), EcpayHttpError, /HTTP 429/],
  ['HTTP 500', reply(500, '{"error":"boom"}'), EcpayHttpError, /HTTP 500/],
  [
    'HTTP 502 with HTML',
    reply(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' }),
    EcpayHttpError,
    /HTTP 502/,
  ],
  [
    'a connection reset mid-response',
    (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
      res.write('{"TransCode":1,"Data":"');
      setTimeout(() => res.socket?.destroy(), 20);
    },
    EcpayConnectionError,
    /connection failed/,
  ],
];

describe('malformed responses', () => {
  it.each(malformed)('%s', async (_, handler, kind, message) => {
    const { error, server } = await callWith(handler);
    expect(error).toBeInstanceOf(kind);
    expect((error as Error).message).toMatch(message);
    expect(server.count).toBe(1);
  });

  it('keeps the body of an HTML 502 for diagnosis', async () => {
    const { error } = await callWith(reply(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' }));
    expect(error).toMatchObject({ status: 502, bodyExcerpt: '<html>Bad Gateway</html>' });
  });
});

describe('servers that do not finish', () => {
  it('times out on a server that never answers', async () => {
    const { error } = await callWith(() => {}, { timeoutMs: 300 });
    expect(error).toBeInstanceOf(EcpayTimeoutError);
    expect(error).toMatchObject({ outcomeUnknown: true });
  });

  it('times out on a response that trickles forever (the timeout covers the body)', async () => {
    const { error } = await callWith(
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const drip = setInterval(() => res.write(' '), 20);
        res.on('close', () => clearInterval(drip));
      },
      { timeoutMs: 300 },
    );
    expect(error).toBeInstanceOf(EcpayTimeoutError);
  });

  it("stops at the caller's AbortSignal with a distinct error", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { error } = await callWith(() => {}, { timeoutMs: 5_000, signal: controller.signal });
    expect(error).toBeInstanceOf(EcpayAbortError);
    expect(error).not.toBeInstanceOf(EcpayTimeoutError);
  });
});
