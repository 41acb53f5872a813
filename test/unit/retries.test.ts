// Retries that cannot double-issue. The loopback server counts the requests it really received; every attempt must
// carry a fresh Timestamp, and a B2B call the same RqID.
import { describe, expect, it } from 'vitest';
import {
  createEinvoiceClient,
  EcpayConnectionError,
  EcpayHttpError,
  EcpayTimeoutError,
  STAGE_CREDENTIALS,
  type EinvoiceClientConfig,
} from '../../src/index.ts';
import { freePort } from '../../src/mock.ts';
import { loopbacks } from '../support/hostile.ts';
import { ecpayAnswer, requestData, type Handler, sendJson } from '../support/loopback.ts';

const open = loopbacks();

// A clock that moves one second per reading, so fresh timestamps are visible.
const steppingClock = () => {
  let t = 1_700_000_000_000;
  return () => (t += 1_000);
};

async function serve(handler: Handler, config: EinvoiceClientConfig = {}) {
  const server = await open(handler);
  const einvoice = createEinvoiceClient({
    ...STAGE_CREDENTIALS,
    environment: { baseUrl: server.url },
    now: steppingClock(),
    retry: { baseDelayMs: 5, maxDelayMs: 2_000 },
    ...config,
  });
  return { server, einvoice };
}

/** Answers with the given statuses in turn, then a success. */
const statuses =
  (...codes: number[]): Handler =>
  (_req, res, _body, i) => {
    if (i < codes.length) {
      res.writeHead(codes[i]!, { 'Content-Type': 'text/plain' });
      res.end('try later');
    } else {
      sendJson(res, ecpayAnswer({ RtnCode: 1, RtnMsg: 'ok' }));
    }
  };
const reset: Handler = (req) => {
  req.socket.destroy();
};
const envelopes = (bodies: string[]) => bodies.map((b) => JSON.parse(b).RqHeader);

describe('operations safe to repeat', () => {
  it('retry 5xx with fresh timestamps and the same RqID, then succeed', async () => {
    const { server, einvoice } = await serve(statuses(503, 500));
    const result = await einvoice.b2b.getInvalid.withEnvelope({ InvoiceCategory: 0, RelateNumber: 'R1' });
    expect(server.count).toBe(3);
    expect(result.attempts).toBe(3);
    const headers = envelopes(server.bodies);
    expect(new Set(headers.map((h) => h.Timestamp)).size).toBe(3);
    expect(headers[1].Timestamp).toBeGreaterThan(headers[0].Timestamp);
    expect(new Set(headers.map((h) => h.RqID))).toEqual(new Set([result.rqId]));
    // Data is the same ciphertext every time: only RqHeader changes between attempts.
    expect(new Set(server.bodies.map((b) => JSON.parse(b).Data)).size).toBe(1);
  });

  it('retry a reset connection, 403 and 429', async () => {
    let i = 0;
    const handler: Handler = (req, res, body, n) =>
      n === 0 ? reset(req, res, body, n) : statuses(403, 429)(req, res, body, i++);
    const { server, einvoice } = await serve(handler, { retry: { maxRetries: 3, baseDelayMs: 5 } });
    await einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 });
    expect(server.count).toBe(4);
  });

  it('stop after the default two retries and report the attempts', async () => {
    const { server, einvoice } = await serve(statuses(503, 503, 503, 503));
    const error = await einvoice.b2c
      .updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 })
      .catch((e: unknown) => e);
    expect(server.count).toBe(3);
    expect(error).toBeInstanceOf(EcpayHttpError);
    expect(error).toMatchObject({ status: 503, attempts: 3 });
  });

  it('honour Retry-After when it fits the retry window', async () => {
    const seen: number[] = [];
    const { server, einvoice } = await serve((req, res, body, n) => {
      seen.push(performance.now());
      if (n === 0) {
        res.writeHead(429, { 'Retry-After': '1' });
        res.end();
      } else statuses()(req, res, body, n);
    });
    await einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 });
    expect(server.count).toBe(2);
    // A lower bound only: a sleep is never shorter than asked, however busy the machine.
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(950);
  });

  it('do not wait for a Retry-After beyond the window (ECPay may ask for 30 minutes)', async () => {
    const { server, einvoice } = await serve((_req, res) => {
      res.writeHead(403, { 'Retry-After': '1800' });
      res.end();
    });
    const error = await einvoice.b2c
      .updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 })
      .catch((e: unknown) => e);
    expect(server.count).toBe(1);
    expect(error).toMatchObject({
      name: 'EcpayHttpError',
      rateLimited: true,
      retryAfterSeconds: 1800,
      outcomeUnknown: false,
    });
  });

  it('respect maxRetries: 0', async () => {
    const { server, einvoice } = await serve(statuses(503), { retry: { maxRetries: 0 } });
    await expect(einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 })).rejects.toBeInstanceOf(
      EcpayHttpError,
    );
    expect(server.count).toBe(1);
  });
});

describe('operations not safe to repeat', () => {
  const issue = { Tsr: '201909170001', PayType: '2' as const };

  it.each([
    ['a 503', statuses(503), EcpayHttpError],
    ['a 500', statuses(500), EcpayHttpError],
    ['a reset connection', reset, EcpayConnectionError],
  ])('TriggerIssue is sent once after %s, and the outcome is unknown', async (_, handler, kind) => {
    const { server, einvoice } = await serve(handler);
    const error = await einvoice.b2c.triggerIssue(issue).catch((e: unknown) => e);
    expect(server.count).toBe(1);
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ outcomeUnknown: true });
    expect((error as Error).message).toContain('its outcome is unknown');
  });

  it('TriggerIssue is sent once after a timeout', async () => {
    const { server, einvoice } = await serve(() => {}, { timeoutMs: 200 });
    const error = await einvoice.b2c.triggerIssue(issue).catch((e: unknown) => e);
    expect(server.count).toBe(1);
    expect(error).toBeInstanceOf(EcpayTimeoutError);
    expect(error).toMatchObject({ outcomeUnknown: true });
  });

  it('TriggerIssue is not re-sent after a rate limit either, but the outcome is known: not done', async () => {
    const { server, einvoice } = await serve(statuses(429));
    const error = await einvoice.b2c.triggerIssue(issue).catch((e: unknown) => e);
    expect(server.count).toBe(1);
    expect(error).toMatchObject({ name: 'EcpayHttpError', status: 429, outcomeUnknown: false });
  });

  it('TriggerIssue is retried when the connection was refused: nothing reached the server', async () => {
    const port = await freePort();
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts += 1;
      return fetch(input, init);
    };
    const einvoice = createEinvoiceClient({
      ...STAGE_CREDENTIALS,
      environment: { baseUrl: `http://127.0.0.1:${port}` },
      fetch: counting,
      retry: { baseDelayMs: 5 },
    });
    const error = await einvoice.b2c.triggerIssue(issue).catch((e: unknown) => e);
    expect(attempts).toBe(3);
    expect(error).toBeInstanceOf(EcpayConnectionError);
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('MaintainMerchantCustomerData retries Update but sends Add once', async () => {
    const partner = {
      Identifier: '53538851',
      type: '2' as const,
      CompanyName: 'EcPay',
      TradingSlang: '123',
      ExchangeMode: '1' as const,
      EmailAddress: 'a@b.tw',
    };
    const update = await serve(statuses(503));
    await update.einvoice.b2b.maintainMerchantCustomerData({ Action: 'Update', ...partner });
    expect(update.server.count).toBe(2);
    expect(new Set(envelopes(update.server.bodies).map((h) => h.RqID)).size).toBe(1);
    const add = await serve(statuses(503));
    await expect(add.einvoice.b2b.maintainMerchantCustomerData({ Action: 'Add', ...partner })).rejects.toMatchObject({
      outcomeUnknown: true,
    });
    expect(add.server.count).toBe(1);
    expect(requestData(add.server.bodies[0]!).Action).toBe('Add');
  });
});
