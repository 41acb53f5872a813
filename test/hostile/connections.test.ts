// The connection bound and local failures. 2,000 calls at once through `maxConnections: 8` never put more than 8
// requests in flight at the server; a failure on this machine before the request left (no file descriptors, no
// local address) is a connection error whose outcome is known (nothing was sent), retried like a refused connection.
import { afterEach, describe, expect, it } from 'vitest';
import { createEinvoiceClient, EcpayConnectionError, STAGE_CREDENTIALS } from '../../src/index.ts';
import { clientFor, loopbacks, rejection, startInFlightServer, trigger } from '../support/hostile.ts';
import { ecpayAnswer, requestData, sendJson } from '../support/loopback.ts';

const serve = loopbacks();
let closeInFlight: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeInFlight?.();
  closeInFlight = undefined;
});

describe('maxConnections', () => {
  it('2,000 concurrent calls with maxConnections 8: never more than 8 in flight at the server, and all succeed', async () => {
    const server = await startInFlightServer((body) => {
      const data = requestData(body);
      return ecpayAnswer({ RtnCode: 1, RtnMsg: `track ${data.TrackID}` });
    }, 8);
    closeInFlight = server.close;
    const einvoice = createEinvoiceClient({
      ...STAGE_CREDENTIALS,
      environment: { baseUrl: server.url },
      maxConnections: 8,
      retry: { maxRetries: 0 },
    });
    const results = await Promise.all(
      Array.from({ length: 2_000 }, (_, i) =>
        einvoice.b2c.updateInvoiceWordStatus({ TrackID: `T${i}`, InvoiceStatus: 2 }),
      ),
    );
    results.forEach((r, i) => expect(r.RtnMsg).toBe(`track T${i}`));
    expect(server.stats.count).toBe(2_000);
    // The bound was reached (the server holds answers until 8 wait, so the calls pile up) and never crossed.
    expect(server.stats.maxInFlight).toBe(8);
    expect(server.stats.inFlight).toBe(0);
  }, 60_000);

  it('a bound of 1 serialises calls to the server', async () => {
    const server = await startInFlightServer(() => ecpayAnswer({ RtnCode: 1, RtnMsg: 'ok' }), 2);
    closeInFlight = server.close;
    const einvoice = createEinvoiceClient({
      ...STAGE_CREDENTIALS,
      environment: { baseUrl: server.url },
      maxConnections: 1,
    });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        einvoice.b2c.updateInvoiceWordStatus({ TrackID: `T${i}`, InvoiceStatus: 2 }),
      ),
    );
    expect(server.stats).toMatchObject({ count: 50, maxInFlight: 1 });
  });
});

/** A fetch that fails on this machine, as undici reports it: TypeError('fetch failed') caused by the system error. */
const localFailure = (code: string, wrap: 'cause' | 'aggregate' = 'cause') => {
  const system = Object.assign(new Error(`connect ${code} 127.0.0.1`), { code, syscall: 'connect' });
  return new TypeError('fetch failed', {
    cause: wrap === 'cause' ? system : new AggregateError([system], 'all attempts failed'),
  });
};

describe.each(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL'])('a local failure before the request left: %s', (code) => {
  it('a query retries it, and succeeds when the machine recovers', async () => {
    const server = await serve((_req, res) => sendJson(res, ecpayAnswer({ RtnCode: 1, RtnMsg: 'ok' })));
    let calls = 0;
    const flaky: typeof fetch = (input, init) => {
      calls += 1;
      return calls === 1 ? Promise.reject(localFailure(code)) : fetch(input, init);
    };
    const result = await clientFor(server.url, { fetch: flaky }).b2c.updateInvoiceWordStatus.withEnvelope({
      TrackID: 'T1',
      InvoiceStatus: 2,
    });
    expect(result.attempts).toBe(2);
    expect(calls).toBe(2);
    expect(server.count).toBe(1);
  });

  it('a query that keeps failing reports an EcpayConnectionError whose outcome is known', async () => {
    let calls = 0;
    const failing: typeof fetch = async () => {
      calls += 1;
      throw localFailure(code);
    };
    const error = await rejection(
      clientFor('http://127.0.0.1:9', { fetch: failing }).b2c.updateInvoiceWordStatus({
        TrackID: 'T1',
        InvoiceStatus: 2,
      }),
    );
    expect(error).toBeInstanceOf(EcpayConnectionError);
    expect(error).toMatchObject({
      name: 'EcpayConnectionError',
      outcomeUnknown: false,
      succeeded: false,
      recovery: undefined,
      attempts: 3,
    });
    expect(error.message).toContain(`connection failed (${code}); the request never left this machine`);
    expect(calls).toBe(3);
  });

  it('TriggerIssue reports it without the outcome-unknown advice (nothing reached ECPay, so it may be re-sent)', async () => {
    let calls = 0;
    const failing: typeof fetch = async () => {
      calls += 1;
      throw localFailure(code);
    };
    const error = await rejection(clientFor('http://127.0.0.1:9', { fetch: failing }).b2c.triggerIssue(trigger));
    expect(error).toBeInstanceOf(EcpayConnectionError);
    expect(error).toMatchObject({
      name: 'EcpayConnectionError',
      operation: 'b2cTriggerIssue',
      outcomeUnknown: false,
      succeeded: false,
      recovery: undefined,
    });
    expect(error.message).toContain('the request never left this machine');
    expect(error.message).not.toContain('outcome is unknown');
    expect(error.message).not.toContain('do not send it again');
    // README: an operation not safe to repeat is re-sent only when the connection never opened, as here.
    expect(calls).toBe(3);
  });

  it('the same when undici wraps the system error in an AggregateError', async () => {
    let calls = 0;
    const failing: typeof fetch = async () => {
      calls += 1;
      throw localFailure(code, 'aggregate');
    };
    const error = await rejection(
      clientFor('http://127.0.0.1:9', { fetch: failing, retry: { maxRetries: 0 } }).b2c.triggerIssue(trigger),
    );
    expect(error).toMatchObject({ name: 'EcpayConnectionError', outcomeUnknown: false });
    expect(error.message).toContain('never left this machine');
    expect(calls).toBe(1);
  });
});

describe('a failure after the request may have left, for contrast', () => {
  it('ECONNRESET: TriggerIssue is sent once and its outcome is unknown', async () => {
    let calls = 0;
    const failing: typeof fetch = async () => {
      calls += 1;
      throw localFailure('ECONNRESET');
    };
    const error = await rejection(clientFor('http://127.0.0.1:9', { fetch: failing }).b2c.triggerIssue(trigger));
    expect(error).toMatchObject({
      name: 'EcpayConnectionError',
      outcomeUnknown: true,
      succeeded: false,
      recovery: { call: 'b2c.getIssue' },
    });
    expect(error.message).not.toContain('never left this machine');
    expect(calls).toBe(1);
  });
});

describe('slots are given back', () => {
  it('after local failures with maxConnections 1, the next call still gets through', async () => {
    const server = await serve((_req, res) => sendJson(res, ecpayAnswer({ RtnCode: 1, RtnMsg: 'ok' })));
    let failing = true;
    const sometimes: typeof fetch = (input, init) =>
      failing ? Promise.reject(localFailure('EMFILE')) : fetch(input, init);
    const einvoice = clientFor(server.url, { fetch: sometimes, maxConnections: 1, retry: { maxRetries: 0 } });
    const errors = await Promise.all(
      Array.from({ length: 20 }, () =>
        rejection(einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 })),
      ),
    );
    for (const e of errors) expect(e).toBeInstanceOf(EcpayConnectionError);
    failing = false;
    await expect(einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 })).resolves.toMatchObject({
      RtnCode: 1,
    });
    expect(server.count).toBe(1);
  });
});
