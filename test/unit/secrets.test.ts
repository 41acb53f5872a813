// HashKey and HashIV never appear in any error kind, nor in the client object, nor in debug events: not in
// String(x), x.stack, util.inspect(x, { depth: 10 }) or JSON.stringify(x), neither as text nor as hex bytes.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAesKey, encryptData } from '../../src/codec.ts';
import { createEinvoiceClient, type DebugEvent, type EinvoiceClientConfig } from '../../src/index.ts';
import { hangingFetch } from '../support/fake-ecpay.ts';
import { ecpayAnswer, startServer } from '../support/loopback.ts';

const hashKey = 'Sec1etKey_ABCDEF';
const hashIV = 'Sec1etIV_9876543';
const secretAes = createAesKey(hashKey, hashIV);
const forms = [
  hashKey,
  hashIV,
  ...[hashKey, hashIV].flatMap((s) => {
    const hex = Buffer.from(s).toString('hex');
    return [hex, hex.match(/../g)!.join(' '), Buffer.from(s).toString('base64')];
  }),
];

function expectNoSecret(x: unknown) {
  const renderings = [
    String(x),
    (x as Error)?.stack ?? '',
    inspect(x, { depth: 10, showHidden: true }),
    JSON.stringify(x) ?? '',
  ];
  for (const text of renderings) for (const secret of forms) expect(text).not.toContain(secret);
}

const answer = (result: Record<string, unknown>, transCode = 1) =>
  JSON.stringify({
    MerchantID: 'M1',
    RpHeader: { Timestamp: 1 },
    TransCode: transCode,
    TransMsg: 'x',
    Data: transCode === 1 ? encryptData(secretAes, JSON.stringify(result)) : '',
  });
const respond =
  (body: string, status = 200) =>
  async () =>
    new Response(body, { status });
const client = (fetch: typeof globalThis.fetch, extra: EinvoiceClientConfig = {}) =>
  createEinvoiceClient({
    merchantId: 'M1',
    hashKey,
    hashIV,
    environment: 'production',
    fetch,
    retry: { maxRetries: 0 },
    ...extra,
  });

const errorMakers: [string, () => Promise<unknown> | unknown][] = [
  ['EcpayConfigError (key)', () => createEinvoiceClient({ merchantId: 'M1', hashKey: `${hashKey}!`, hashIV })],
  ['EcpayConfigError (IV)', () => createEinvoiceClient({ merchantId: 'M1', hashKey, hashIV: hashIV.slice(1) })],
  ['EcpayValidationError', () => client(respond('')).b2c.triggerIssue({ Tsr: '', PayType: '9' as '2' })],
  ['EcpayEnvelopeError', () => client(respond(answer({}, 5))).b2c.triggerIssue({ Tsr: 'T', PayType: '2' })],
  [
    'EcpayBusinessError',
    () => client(respond(answer({ RtnCode: 9, RtnMsg: 'no' }))).b2c.triggerIssue({ Tsr: 'T', PayType: '2' }),
  ],
  [
    'EcpayResponseError (wrong key)',
    () => client(respond(ecpayAnswer({ RtnCode: 1 }))).b2c.triggerIssue({ Tsr: 'T', PayType: '2' }),
  ],
  [
    'EcpayUnexpectedShapeError',
    () =>
      client(respond(answer({ RtnCode: 4000004, RtnMsg: ['not', 'text'] }))).b2c.triggerIssue({
        Tsr: 'T',
        PayType: '2',
      }),
  ],
  ['EcpayHttpError', () => client(respond('down', 503)).b2c.triggerIssue({ Tsr: 'T', PayType: '2' })],
  [
    'EcpayConnectionError',
    () =>
      client(async () => {
        throw new TypeError('fetch failed');
      }).b2c.triggerIssue({ Tsr: 'T', PayType: '2' }),
  ],
  ['EcpayTimeoutError', () => client(hangingFetch, { timeoutMs: 10 }).b2c.triggerIssue({ Tsr: 'T', PayType: '2' })],
  [
    'EcpayAbortError',
    () => client(hangingFetch).b2c.triggerIssue({ Tsr: 'T', PayType: '2' }, { signal: AbortSignal.abort() }),
  ],
];

describe('secrets stay secret', () => {
  it.each(errorMakers)('%s', async (name, make) => {
    let error: unknown;
    try {
      await make();
    } catch (e) {
      error = e;
    }
    expect((error as Error).name).toBe(name.split(' ')[0]);
    expectNoSecret(error);
  });

  it('the client object', () => {
    const c = client(respond(''));
    expectNoSecret(c);
    expect(inspect(c)).toBe("EinvoiceClient { merchantId: 'M1', baseUrl: 'https://einvoice.ecpay.com.tw' }");
  });

  it('the debug hook, over a real exchange with a retry', async () => {
    const server = await startServer((_req, res, _b, n) => {
      res.writeHead(n === 0 ? 503 : 200);
      res.end(n === 0 ? '' : answer({ RtnCode: 1, RtnMsg: 'ok' }));
    });
    const events: DebugEvent[] = [];
    await createEinvoiceClient({
      merchantId: 'M1',
      hashKey,
      hashIV,
      environment: { baseUrl: server.url },
      retry: { baseDelayMs: 1 },
      debug: (e) => events.push(e),
    }).b2c.updateInvoiceWordStatus({ TrackID: 'T', InvoiceStatus: 1 });
    await server.close();
    expect(events.map((e) => e.type)).toEqual(['attempt', 'answer', 'retry', 'attempt', 'answer']);
    expectNoSecret(events);
  });
});
