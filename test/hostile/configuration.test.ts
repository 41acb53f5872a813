// Configuration and call options that would loop, hang, leak a secret or misframe the request: each is refused at
// once with an EcpayConfigError that says what to do, and the server sees nothing. What is harmless (retry.maxRetries
// left undefined, `options: null`) is accepted.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createEinvoiceClient, EcpayConfigError, type EinvoiceClientConfig } from '../../src/index.ts';
import { baseConfig as base, clientFor, loopbacks, refusedConfiguration, rejection } from '../support/hostile.ts';
import { ecpayAnswer, type Handler, sendJson } from '../support/loopback.ts';

const serve = loopbacks();
const ok: Handler = (_req, res) => {
  sendJson(res, ecpayAnswer({ RtnCode: 1, RtnMsg: 'ok', InvoiceInfo: [] }));
};
const status = { TrackID: 'T1', InvoiceStatus: 2 as const };
const refusedConfig = (config: (url: string) => EinvoiceClientConfig) => refusedConfiguration(serve, config);

describe('retry.maxRetries', () => {
  it.each([
    ['NaN', NaN],
    ['-1', -1],
    ['1.5', 1.5],
    ['Infinity', Infinity],
    ['a string', '2' as unknown as number],
  ])('%s is refused at construction', async (_, maxRetries) => {
    const error = await refusedConfig((url) => ({ ...base(url), retry: { maxRetries } }));
    expect(error.message).toContain('retry.maxRetries must be an integer from 0 to 10');
  });

  it('undefined means the default: 2 retries', async () => {
    const server = await serve((_req, res) => void res.writeHead(503).end('busy'));
    const error = await rejection(
      createEinvoiceClient({
        ...base(server.url),
        retry: { maxRetries: undefined, baseDelayMs: 1 },
      }).b2c.updateInvoiceWordStatus(status),
    );
    expect(error).toMatchObject({ name: 'EcpayHttpError', status: 503, attempts: 3 });
    expect(server.count).toBe(3);
  });
});

describe('now', () => {
  it.each([
    ['NaN', () => NaN],
    ['Infinity', () => Infinity],
    ['a Date instead of a number', () => new Date() as unknown as number],
    ['undefined', () => undefined as unknown as number],
  ])('returning %s is refused at call time, before anything is sent', async (_, now) => {
    const server = await serve(ok);
    const error = await rejection(
      createEinvoiceClient({ ...base(server.url), now }).b2c.triggerIssue({ Tsr: 'T1', PayType: '2' }),
    );
    expect(error).toBeInstanceOf(EcpayConfigError);
    expect(error).toMatchObject({
      name: 'EcpayConfigError',
      outcomeUnknown: false,
      succeeded: false,
      recovery: undefined,
    });
    expect(error.message).toMatch(/now\(\) returned .*, not milliseconds since the epoch; nothing was sent/);
    expect(server.count).toBe(0);
  });
});

describe('signal', () => {
  it.each([
    [
      'a look-alike object',
      { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {}, throwIfAborted() {} },
    ],
    ['an AbortController instead of its signal', new AbortController()],
    ['true', true],
  ])('%s is refused before anything is sent', async (_, signal) => {
    const server = await serve(ok);
    const error = await rejection(
      clientFor(server.url).b2c.triggerIssue({ Tsr: 'T1', PayType: '2' }, { signal: signal as never }),
    );
    expect(error).toBeInstanceOf(EcpayConfigError);
    expect(error).toMatchObject({ outcomeUnknown: false, succeeded: false });
    expect(error.message).toContain('signal must be an AbortSignal (from an AbortController)');
    expect(server.count).toBe(0);
  });
});

describe('environment.baseUrl', () => {
  const password = 'Pa55w0rd-Zq7';

  it.each([
    ['user and password', (url: string) => url.replace('http://', `http://admin:${password}@`)],
    ['a password alone', (url: string) => url.replace('http://', `http://:${password}@`)],
    ['a user alone', (url: string) => url.replace('http://', `http://${password}@`)],
    ['credentials and an https scheme', () => `https://admin:${password}@einvoice.example.com.tw`],
    ['credentials and another scheme', () => `ftp://admin:${password}@einvoice.example.com.tw`],
    ['credentials without a scheme', () => `admin:${password}@einvoice.example.com.tw`],
    [
      'credentials, a percent-encoded password',
      (url: string) => url.replace('http://', `http://admin:${encodeURIComponent(`${password}/#?`)}@`),
    ],
  ])('with %s is refused, and the secret appears in no rendering of the error', async (_, make) => {
    const error = await refusedConfig((url) => ({ ...base(url), environment: { baseUrl: make(url) } }));
    expect(error.message).toMatch(
      /must not carry a user or password|must start with http:\/\/ or https:\/\/|is not a URL/,
    );
    for (const text of [
      error.message,
      String(error),
      error.stack ?? '',
      inspect(error),
      inspect(error, { depth: Infinity, showHidden: true }),
      JSON.stringify(error),
    ]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(encodeURIComponent(password));
    }
  });

  it.each([
    ['a query string', (url: string) => `${url}/?token=abc`],
    ['an empty query', (url: string) => `${url}/?`],
    ['a fragment', (url: string) => `${url}/#section`],
    ['an empty fragment', (url: string) => `${url}/#`],
  ])('with %s is refused: operation paths are appended to it', async (_, make) => {
    const error = await refusedConfig((url) => ({ ...base(url), environment: { baseUrl: make(url) } }));
    expect(error.message).toContain('environment.baseUrl must not have a query or a fragment');
  });

  it.each([
    ['host:port', (url: string) => url.replace('http://', '')],
    ['a bare host name', () => 'einvoice-stage.ecpay.com.tw'],
    ['localhost:port', (url: string) => url.replace('http://127.0.0.1', 'localhost')],
    ['a protocol-relative URL', (url: string) => url.replace('http:', '')],
  ])('without a scheme (%s) is refused with how to write it', async (_, make) => {
    const error = await refusedConfig((url) => ({ ...base(url), environment: { baseUrl: make(url) } }));
    expect(error.message).toMatch(
      /give it as http:\/\/host:port or https:\/\/host|must start with http:\/\/ or https:\/\//,
    );
  });

  it('a plain http base URL with a trailing slash is accepted', async () => {
    const server = await serve(ok);
    await createEinvoiceClient({ ...base(`${server.url}/`) }).b2c.updateInvoiceWordStatus(status);
    expect(server.count).toBe(1);
  });
});

describe('caller headers that frame the request or steer the connection', () => {
  const reserved: [string, string][] = [
    ['Content-Length', '10'],
    ['Transfer-Encoding', 'chunked'],
    ['Expect', '100-continue'],
    ['Upgrade', 'websocket'],
    ['Connection', 'close'],
    ['Keep-Alive', 'timeout=600'],
    ['Host', 'einvoice.ecpay.com.tw'],
    ['content-length', '0'],
    ['HOST', 'evil.example'],
    ['Content-Type', 'text/plain'],
  ];
  it.each(reserved)('%s is refused before anything is sent, for TriggerIssue', async (name, value) => {
    const server = await serve(ok);
    const error = await rejection(
      clientFor(server.url).b2c.triggerIssue({ Tsr: 'T1', PayType: '2' }, { headers: { [name]: value } }),
    );
    expect(error).toBeInstanceOf(EcpayConfigError);
    expect(error).toMatchObject({
      name: 'EcpayConfigError',
      operation: 'b2cTriggerIssue',
      outcomeUnknown: false,
      succeeded: false,
      recovery: undefined,
    });
    expect(error.message).toContain(
      `headers may not set ${name}: the client frames the request and owns the connection; nothing was sent`,
    );
    expect(server.count).toBe(0);
  });

  it.each([
    ['a value with CR LF', { 'X-Trace': 'a\r\nX-Injected: 1' }, 'must be text on one line'],
    ['a name that is not a token', { 'X Trace': '1' }, 'a name that is not a header name'],
    ['a value that is not text', { 'X-Trace': 1 as unknown as string }, 'must be text on one line'],
  ])('%s is refused', async (_, headers, words) => {
    const server = await serve(ok);
    const error = await rejection(clientFor(server.url).b2c.updateInvoiceWordStatus(status, { headers }));
    expect(error).toBeInstanceOf(EcpayConfigError);
    expect(error.message).toContain(words);
    expect(server.count).toBe(0);
  });

  it('an ordinary header is sent', async () => {
    let seen: string | undefined;
    const server = await serve((req, res, body, i) => {
      seen = req.headers['x-trace'] as string;
      ok(req, res, body, i);
    });
    await clientFor(server.url).b2c.updateInvoiceWordStatus(status, { headers: { 'X-Trace': 'abc-123' } });
    expect(seen).toBe('abc-123');
    expect(server.count).toBe(1);
  });
});

describe('the options object', () => {
  it('null is accepted as no options', async () => {
    const server = await serve(ok);
    await expect(clientFor(server.url).b2c.updateInvoiceWordStatus(status, null as never)).resolves.toMatchObject({
      RtnCode: 1,
    });
    expect(server.count).toBe(1);
  });

  it.each([
    ['an unknown option', { timeout: 5_000 }, 'timeout is not a call option'],
    ['an array', [], 'the call options must be an object'],
    ['a string', 'fast', 'the call options must be an object'],
  ])('%s is refused', async (_, options, words) => {
    const server = await serve(ok);
    const error = await rejection(clientFor(server.url).b2c.updateInvoiceWordStatus(status, options as never));
    expect(error).toBeInstanceOf(EcpayConfigError);
    expect(error.message).toContain(words);
    expect(server.count).toBe(0);
  });
});

describe('rqId', () => {
  const b2bQuery = { InvoiceYear: '113', InvoiceTerm: 0 as const, UseStatus: 0 as const };

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['too long', 'r'.repeat(65)],
    ['not text', 42 as unknown as string],
  ])('%s is refused on a B2B call', async (_, rqId) => {
    const server = await serve(ok);
    const error = await rejection(clientFor(server.url).b2b.getInvoiceWordSetting(b2bQuery, { rqId }));
    expect(error).toBeInstanceOf(EcpayConfigError);
    expect(error).toMatchObject({ outcomeUnknown: false, succeeded: false });
    expect(error.message).toContain('rqId must be a non-empty string of at most 64 characters');
    expect(server.count).toBe(0);
  });

  it('on a B2C call is refused (B2C carries no RqID)', async () => {
    const server = await serve(ok);
    const error = await rejection(clientFor(server.url).b2c.triggerIssue({ Tsr: 'T1', PayType: '2' }, { rqId: 'R-1' }));
    expect(error).toBeInstanceOf(EcpayConfigError);
    expect(error.message).toContain('rqId is for B2B operations; B2C requests carry no RqID');
    expect(server.count).toBe(0);
  });

  it('a valid one is sent as the RqID', async () => {
    const server = await serve(ok);
    await clientFor(server.url).b2b.getInvoiceWordSetting(b2bQuery, { rqId: 'order-42' });
    expect(server.count).toBe(1);
    expect(JSON.parse(server.bodies[0]!).RqHeader.RqID).toBe('order-42');
  });
});
