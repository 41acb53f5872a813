// What a user can hook into (interceptors, debug events, ECPAY_EINVOICE_DEBUG) and how the generated SDK is called:
// nothing shows Data or keys, nothing a hook does changes an outcome, and no Request init carries `client` (Deno).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EcpayConfigError, EcpayError, STAGE_CREDENTIALS } from '../../src/index.ts';
import { debugFromEnvironment } from '../../src/observe.ts';
import { fakeEcpay, fakeClient } from '../support/fake-ecpay.ts';

const trigger = { Tsr: '201909170001', PayType: '2' as const };
const ok = () => fakeEcpay((req) => ({ result: { RtnCode: 1, RtnMsg: '', Tsr: req.data.Tsr } }));
const client = fakeClient;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('the generated SDK call (Deno, hey-api #4177)', () => {
  it('builds every Request without a client key in its init, and still through the client it was given', async () => {
    const inits: string[][] = [];
    const Original = globalThis.Request;
    // Deno refuses a RequestInit whose `client` is not a Deno.HttpClient; record what the generated client passes.
    class Recording extends Original {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        inits.push(Object.keys(init ?? {}));
        super(input, init);
      }
    }
    vi.stubGlobal('Request', Recording);
    const fake = ok();
    await expect(client(fake.fetch).b2c.triggerIssue(trigger)).resolves.toMatchObject({ RtnCode: 1 });
    expect(inits.length).toBeGreaterThan(0);
    for (const keys of inits) expect(keys).not.toContain('client');
    // The client's own base URL reached the wire: the per-client hey-api client was used, not the SDK's default one.
    expect(fake.received[0]!.url).toBe('https://einvoice-stage.ecpay.com.tw/B2CInvoice/TriggerIssue');
  });
});

describe('interceptors', () => {
  it('show the request without a body and the wire answer with Data still encrypted', async () => {
    const seen: {
      method?: string;
      url?: string;
      body?: unknown;
      operation?: string;
      answer?: string;
      answerOperation?: string;
    } = {};
    const fake = ok();
    const result = await client(fake.fetch, {
      interceptors: {
        request: (req, info) => {
          Object.assign(seen, { method: req.method, url: req.url, body: req.body, operation: info.operation });
        },
        response: async (res, info) => {
          seen.answer = await res.text();
          seen.answerOperation = info.operation;
        },
      },
    }).b2c.triggerIssue(trigger);
    expect(result).toMatchObject({ RtnCode: 1, Tsr: trigger.Tsr });
    expect(seen).toMatchObject({
      method: 'POST',
      url: 'https://einvoice-stage.ecpay.com.tw/B2CInvoice/TriggerIssue',
      body: null,
      operation: 'b2cTriggerIssue',
      answerOperation: 'b2cTriggerIssue',
    });
    const wire = JSON.parse(seen.answer!);
    expect(wire).toMatchObject({ TransCode: 1, MerchantID: '2000132' });
    expect(typeof wire.Data).toBe('string');
    expect(seen.answer).not.toContain(trigger.Tsr); // Data stays encrypted
    expect(seen.answer).not.toContain(STAGE_CREDENTIALS.hashKey);
  });

  it("send the headers a request interceptor adds (a trace header), with the call's own", async () => {
    const fake = ok();
    await client(fake.fetch, {
      interceptors: {
        request: (req) => {
          const headers = new Headers(req.headers);
          headers.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
          return new Request(req, { headers });
        },
      },
    }).b2c.triggerIssue(trigger, { headers: { 'X-Request-Tag': 'order-1' } });
    const headers = fake.received[0]!.headers;
    expect(headers.get('traceparent')).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(headers.get('x-request-tag')).toBe('order-1');
    expect(headers.get('content-type')).toBe('application/json');
  });

  it('cannot change an outcome: a throwing response interceptor leaves the result as it is', async () => {
    const result = await client(ok().fetch, {
      interceptors: {
        response: () => {
          throw new Error('the logger is down');
        },
      },
    }).b2c.triggerIssue(trigger);
    expect(result).toMatchObject({ RtnCode: 1 });
  });

  it('a throwing request interceptor fails the call before anything is sent, and says so', async () => {
    const fake = ok();
    const error = await client(fake.fetch, {
      interceptors: {
        request: () => {
          throw new Error('no span');
        },
      },
    })
      .b2c.triggerIssue(trigger)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcpayError);
    expect((error as EcpayError).message).toBe(
      'b2cTriggerIssue: your request interceptor threw (no span); nothing was sent',
    );
    expect((error as EcpayError).outcomeUnknown).toBe(false);
    expect(fake.received).toHaveLength(0);
  });

  it.each([
    ['not an object', 'log', /interceptors must be an object/],
    ['an unknown hook', { error: () => undefined }, /interceptors.error is not an interceptor/],
    ['a hook that is not a function', { request: 'log' }, /interceptors.request must be a function/],
  ])('are refused at configuration when %s', (_name, interceptors, message) => {
    expect(() => client(ok().fetch, { interceptors: interceptors as never })).toThrow(EcpayConfigError);
    expect(() => client(ok().fetch, { interceptors: interceptors as never })).toThrow(message);
  });
});

describe('ECPAY_EINVOICE_DEBUG', () => {
  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
    ['', false],
  ])('=%j turns debug logging %s', (value, on) => {
    vi.stubEnv('ECPAY_EINVOICE_DEBUG', value);
    expect(debugFromEnvironment()).toBe(on);
  });

  it("prints each debug event to stderr, without Data, payload or keys, beside the caller's own hook", async () => {
    vi.stubEnv('ECPAY_EINVOICE_DEBUG', '1');
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
    const own: string[] = [];
    await client(ok().fetch, { debug: (event) => own.push(event.type) }).b2c.triggerIssue(trigger);
    expect(lines.map((l) => JSON.parse(l.replace('[ecpay-einvoice] ', '')).type)).toEqual(['attempt', 'answer']);
    expect(own).toEqual(['attempt', 'answer']);
    for (const line of lines) {
      expect(line.startsWith('[ecpay-einvoice] ')).toBe(true);
      expect(line).not.toContain(STAGE_CREDENTIALS.hashKey);
      expect(line).not.toContain(STAGE_CREDENTIALS.hashIV);
      expect(line).not.toContain('201909170001'); // the payload's Tsr
    }
  });

  it('is not read under Deno without the permission (Deno would stop to ask at a terminal)', () => {
    vi.stubEnv('ECPAY_EINVOICE_DEBUG', '1');
    const asked: unknown[] = [];
    const permissions = (state: string) => ({ querySync: (d: unknown) => (asked.push(d), { state }) });
    vi.stubGlobal('Deno', { permissions: permissions('prompt') });
    expect(debugFromEnvironment()).toBe(false);
    expect(asked).toEqual([{ name: 'env', variable: 'ECPAY_EINVOICE_DEBUG' }]);
    vi.stubGlobal('Deno', { permissions: permissions('granted') });
    expect(debugFromEnvironment()).toBe(true);
  });

  it('prints nothing when unset', async () => {
    vi.stubEnv('ECPAY_EINVOICE_DEBUG', undefined as unknown as string);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await client(ok().fetch).b2c.triggerIssue(trigger);
    expect(spy).not.toHaveBeenCalled();
  });
});
