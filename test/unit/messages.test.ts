// What a user reads when something goes wrong: an HTTP error shows the start of the body, a DNS failure names the
// host, console.log of an error is a short summary, B2B errors carry the RqID, a timestamp complaint is not blamed on
// a clock that agrees, the mock's answers carry the current time, and a taken mock port is one clear line.
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEinvoiceClient,
  EcpayBusinessError,
  EcpayConnectionError,
  EcpayEnvelopeError,
  EcpayHttpError,
  STAGE_CREDENTIALS,
} from '../../src/index.ts';
import { MockError, startMock } from '../../src/mock.ts';
import { rewriteAnswer, startEchoProxy } from '../../src/mock-echo.ts';
import { FIXED_NOW_MS, fakeEcpay, fakeClient } from '../support/fake-ecpay.ts';
import { startServer, sendJson } from '../support/loopback.ts';
import { rejection } from '../support/hostile.ts';
import { operation } from '../support/spec.ts';

const trigger = { Tsr: '201909170001', PayType: '2' as const };
const b2bQuery = { InvoiceCategory: 0, RelateNumber: 'R1' } as const;
const client = (fetch: typeof globalThis.fetch, extra = {}) =>
  fakeClient(fetch, { randomUUID: () => 'rq-0001', ...extra });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('HTTP errors', () => {
  it('show the start of the body, on one line', async () => {
    const page = '<html>\n<body>Service Unavailable: maintenance until 03:00</body>\n</html>';
    const error = await rejection(client(async () => new Response(page, { status: 503 })).b2c.triggerIssue(trigger));
    expect(error).toBeInstanceOf(EcpayHttpError);
    expect((error as Error).message).toContain(
      'HTTP 503. Body: <html>\\u000a<body>Service Unavailable: maintenance until 03:00',
    );
    expect((error as Error).message).not.toContain('\n');
    expect((error as EcpayHttpError).bodyExcerpt.length).toBeLessThanOrEqual(250);
  });
});

describe('DNS failures', () => {
  it.each(['ENOTFOUND', 'EAI_AGAIN'])('name the host that could not be resolved (%s)', async (code) => {
    const cause = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error(`getaddrinfo ${code} einvoice-stage.ecpay.com.tw`), {
        code,
        hostname: 'einvoice-stage.ecpay.com.tw',
      }),
    });
    const error = await rejection(
      client(async () => {
        throw cause;
      }).b2c.triggerIssue(trigger),
    );
    expect(error).toBeInstanceOf(EcpayConnectionError);
    expect((error as Error).message).toBe(
      `b2cTriggerIssue: connection failed (could not resolve einvoice-stage.ecpay.com.tw: ${code}); the request never left this machine`,
    );
    expect((error as EcpayConnectionError).outcomeUnknown).toBe(false);
  });
});

describe("Deno's fetch errors, which carry no code", () => {
  const denoError = (detail: string) =>
    Object.assign(new TypeError('fetch failed'), {
      cause: new Error(
        `error sending request for url (https://einvoice-stage.ecpay.com.tw/B2CInvoice/TriggerIssue): client error (Connect): ${detail}`,
      ),
    });

  it('name the host of a DNS failure', async () => {
    const cause = denoError('dns error: failed to lookup address information: Name or service not known');
    const error = await rejection(
      client(async () => {
        throw cause;
      }).b2c.triggerIssue(trigger),
    );
    expect((error as Error).message).toContain('could not resolve einvoice-stage.ecpay.com.tw: ENOTFOUND');
    expect((error as EcpayConnectionError).outcomeUnknown).toBe(false);
  });

  it('know a refused connection never left this machine', async () => {
    const cause = denoError('tcp connect error: Connection refused (os error 111)');
    const error = await rejection(
      client(async () => {
        throw cause;
      }).b2c.triggerIssue(trigger),
    );
    expect((error as Error).message).toBe(
      'b2cTriggerIssue: connection failed (ECONNREFUSED); the request never left this machine',
    );
    expect((error as EcpayConnectionError).outcomeUnknown).toBe(false);
  });
});

describe('an error printed with console.log', () => {
  it('is its name, message, scalar facts and the first line of its cause: no stack, no dump of internals', async () => {
    const cause = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('socket hang up\n    at internals'), { code: 'ECONNRESET' }),
    });
    const error = await rejection(
      client(async () => {
        throw cause;
      }).b2b.getInvalid(b2bQuery),
    );
    const printed = inspect(error);
    expect(printed.split('\n')[0]).toBe(`EcpayConnectionError: ${(error as Error).message}`);
    expect(printed).toContain("rqId: 'rq-0001'");
    expect(printed).toContain('[cause] TypeError: fetch failed');
    expect(printed).not.toMatch(/^\s+at /m); // no stack frames
    expect(printed).not.toContain('Exchange'); // nothing of the client's insides
    expect(printed.split('\n').length).toBeLessThanOrEqual(12);
  });
});

describe('B2B errors carry the RqID they were sent with', () => {
  it.each([
    [
      'a business failure',
      () => fakeEcpay(() => ({ result: { RtnCode: 1600003, RtnMsg: 'not found' } })).fetch,
      EcpayBusinessError,
    ],
    ['an HTTP error', () => (async () => new Response('down', { status: 502 })) as typeof fetch, EcpayHttpError],
    [
      'a connection failure',
      () =>
        (async () => {
          throw new TypeError('fetch failed');
        }) as typeof fetch,
      EcpayConnectionError,
    ],
  ])('%s', async (_name, fetch, kind) => {
    const error = await rejection(client(fetch()).b2b.getInvalid(b2bQuery));
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ rqId: 'rq-0001' });
    expect((error as EcpayBusinessError).toJSON()).toMatchObject({ rqId: 'rq-0001' });
  });

  it('B2C errors have none (B2C requests carry no RqID)', async () => {
    const error = await rejection(client(async () => new Response('down', { status: 502 })).b2c.triggerIssue(trigger));
    expect((error as EcpayHttpError).rqId).toBeUndefined();
  });
});

describe('envelope failures that speak of the timestamp', () => {
  it("do not blame the clock when it agrees with ECPay's", async () => {
    const fake = fakeEcpay(() => ({
      result: {},
      transCode: 999999,
      transMsg: 'Timestamp out of range or Data could not be decrypted',
      serverTime: FIXED_NOW_MS / 1000 + 2,
    }));
    const error = await rejection(client(fake.fetch).b2c.triggerIssue(trigger));
    expect(error).toMatchObject({ name: 'EcpayEnvelopeError', clockSkewSeconds: 2 });
    expect((error as Error).message).toContain(
      "this machine's clock is within 2 s of ECPay's, so the clock is not the cause",
    );
    expect((error as Error).message).not.toContain('Synchronise');
  });
});

describe("the mock's answers", () => {
  it("carry the current time in RpHeader.Timestamp, as ECPay's do", () => {
    const canned = JSON.stringify({
      MerchantID: '2000132',
      RpHeader: { Timestamp: 1525169058 },
      TransCode: 999999,
      TransMsg: 'x',
      Data: '',
    });
    expect(JSON.parse(rewriteAnswer('{}', canned, undefined, 1_800_000_000)!)).toEqual({
      ...JSON.parse(canned),
      RpHeader: { Timestamp: 1_800_000_000 },
    });
    expect(rewriteAnswer('{}', 'not json', undefined, 1)).toBeUndefined();
  });

  it("so the envelope-failure example does not claim this machine's clock is years off", async () => {
    // Prism's canned envelopeFailure answer, as the wire spec has it, behind the mock's front door.
    const { responseExamples } = operation('/B2CInvoice/TriggerIssue');
    const canned = JSON.stringify(responseExamples.envelopeFailure.value);
    expect(canned).toContain('"Timestamp":1525169058');
    const prism = await startServer((_req, res) => {
      sendJson(res, canned);
    });
    cleanups.push(prism.close);
    const proxy = await startEchoProxy(prism.url, '127.0.0.1', 0);
    cleanups.push(() => new Promise<void>((resolve) => proxy.server.close(() => resolve())));
    const einvoice = createEinvoiceClient({
      ...STAGE_CREDENTIALS,
      environment: { baseUrl: `http://127.0.0.1:${proxy.port}` },
      retry: { maxRetries: 0 },
    });
    const error = await rejection(einvoice.b2c.triggerIssue(trigger));
    expect(error).toBeInstanceOf(EcpayEnvelopeError);
    expect(Math.abs((error as EcpayEnvelopeError).clockSkewSeconds!)).toBeLessThan(5);
    expect((error as Error).message).not.toMatch(/clock is \d+ s (behind|ahead)/);
  });
});

describe('startMock on a taken port', () => {
  it('fails at once with one clear line, before starting Prism', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const { port } = squatter.address() as { port: number };
    const started = Date.now();
    const error = await rejection(startMock({ port }));
    expect(error).toBeInstanceOf(MockError);
    expect(error).toMatchObject({ code: 'EADDRINUSE' });
    expect((error as Error).message).toBe(
      `the mock cannot listen on 127.0.0.1:${port}: the port is taken (another mock still running?); pass { port: 0 } for a free one`,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
