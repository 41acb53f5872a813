// Memory held by a caller's AbortSignal: a long-lived signal (an app's shutdown signal, say) passed to many calls must
// not collect one 'abort' listener per call, whether the call went straight through, waited for a connection slot,
// waited for a retry, or was cancelled while waiting. Counted with events.getEventListeners, never as a heap figure.
import { getEventListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { EcpayAbortError } from '../../src/index.ts';
import { clientFor, loopbacks, rejection } from '../support/hostile.ts';
import { ecpayAnswer, requestData, type Handler, sendJson } from '../support/loopback.ts';

const serve = loopbacks();
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;
const ok = (res: ServerResponse, result: Record<string, unknown> = { RtnCode: 1, RtnMsg: 'ok' }) => {
  sendJson(res, ecpayAnswer(result));
};

/** A server that holds every answer until `release()` is called. */
function holding() {
  const held: (() => void)[] = [];
  let open = false;
  const handler: Handler = (_req, res) => {
    const answer = () => ok(res);
    if (open) answer();
    else held.push(answer);
  };
  const release = () => {
    open = true;
    for (const answer of held.splice(0)) answer();
  };
  return { handler, release, held: () => held.length };
}
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
};

describe('one long-lived AbortSignal shared by many calls', () => {
  it('500 calls, some of them retried and most of them queued for a slot, leave no abort listener on it', async () => {
    const refusedOnce = new Set<string>();
    const server = await serve((_req, res, body) => {
      const { TrackID } = requestData(body);
      // Every tenth track is refused once, so its call waits for a retry with the signal.
      if (Number(TrackID.slice(1)) % 10 === 0 && !refusedOnce.has(TrackID)) {
        refusedOnce.add(TrackID);
        return void res.writeHead(503).end('busy');
      }
      ok(res);
    });
    const { signal } = new AbortController();
    const einvoice = clientFor(server.url, { maxConnections: 8 });
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        einvoice.b2c.updateInvoiceWordStatus.withEnvelope({ TrackID: `T${i}`, InvoiceStatus: 2 }, { signal }),
      ),
    );
    expect(results.filter((r) => r.attempts === 2)).toHaveLength(50);
    expect(server.count).toBe(550);
    expect(listeners(signal)).toBe(0);
  }, 30_000);

  it('calls waiting out a retry backoff share one listener on it, and all stop when it fires', async () => {
    const server = await serve((_req, res) => void res.writeHead(503).end('busy'));
    const controller = new AbortController();
    const einvoice = clientFor(server.url, { retry: { baseDelayMs: 5_000, maxDelayMs: 5_000 } });
    const calls = Array.from({ length: 20 }, (_, i) =>
      rejection(
        einvoice.b2c.updateInvoiceWordStatus({ TrackID: `T${i}`, InvoiceStatus: 2 }, { signal: controller.signal }),
      ),
    );
    await until(() => server.count === 20);
    expect(listeners(controller.signal)).toBe(1);
    controller.abort();
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(EcpayAbortError);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('AbortSignal.timeout() as the shared signal: the same', async () => {
    const server = await serve((_req, res) => ok(res));
    const signal = AbortSignal.timeout(60_000);
    const einvoice = clientFor(server.url);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        einvoice.b2c.updateInvoiceWordStatus({ TrackID: `T${i}`, InvoiceStatus: 2 }, { signal }),
      ),
    );
    expect(server.count).toBe(100);
    expect(listeners(signal)).toBe(0);
  });
});

describe('a call cancelled while waiting for a connection slot', () => {
  it('is cancelled before sending, leaves no listener on its signal nor on the shared one, and gives no slot away', async () => {
    const hold = holding();
    const server = await serve(hold.handler);
    const einvoice = clientFor(server.url, { maxConnections: 1 });
    const shared = new AbortController().signal;
    // One call takes the only slot and is held by the server; 20 more wait with the shared signal, one with its own.
    const first = einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T0', InvoiceStatus: 2 }, { signal: shared });
    await until(() => hold.held() === 1);
    const waiting = Array.from({ length: 20 }, (_, i) =>
      einvoice.b2c.updateInvoiceWordStatus({ TrackID: `T${i + 1}`, InvoiceStatus: 2 }, { signal: shared }),
    );
    const mine = new AbortController();
    const cancelled = rejection(
      einvoice.b2c.triggerIssue({ Tsr: 'T-2024-0001', PayType: '2' }, { signal: mine.signal }),
    );
    await new Promise((r) => setTimeout(r, 20));
    mine.abort();
    const error = await cancelled;
    expect(error).toBeInstanceOf(EcpayAbortError);
    expect(error).toMatchObject({
      name: 'EcpayAbortError',
      operation: 'b2cTriggerIssue',
      outcomeUnknown: false,
      succeeded: false,
      recovery: undefined,
    });
    expect(error.message).toContain('cancelled by the caller before sending');
    expect(listeners(mine.signal)).toBe(0);
    expect(server.count).toBe(1);

    hold.release();
    await Promise.all([first, ...waiting]);
    expect(server.count).toBe(21);
    expect(listeners(shared)).toBe(0);
    // The cancelled call's place in the queue was not leaked: the slot still serves the next call.
    await expect(einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T99', InvoiceStatus: 2 })).resolves.toMatchObject({
      RtnCode: 1,
    });
    expect(server.count).toBe(22);
  });

  it('many cancellations while queued leave no listeners and no requests', async () => {
    const hold = holding();
    const server = await serve(hold.handler);
    const einvoice = clientFor(server.url, { maxConnections: 1 });
    const first = einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T0', InvoiceStatus: 2 });
    await until(() => hold.held() === 1);
    const controllers = Array.from({ length: 200 }, () => new AbortController());
    const calls = controllers.map((c, i) =>
      rejection(einvoice.b2c.updateInvoiceWordStatus({ TrackID: `T${i + 1}`, InvoiceStatus: 2 }, { signal: c.signal })),
    );
    for (const c of controllers) c.abort();
    const errors = await Promise.all(calls);
    for (const e of errors) expect(e).toBeInstanceOf(EcpayAbortError);
    for (const c of controllers) expect(listeners(c.signal)).toBe(0);
    hold.release();
    await first;
    expect(server.count).toBe(1);
  });
});

describe('a call cancelled at other points', () => {
  it('while waiting for a retry: no listener left, and the retry is not sent', async () => {
    const server = await serve((_req, res) => void res.writeHead(503).end('busy'));
    const controller = new AbortController();
    const einvoice = clientFor(server.url, { retry: { baseDelayMs: 2_000, maxDelayMs: 2_000 } });
    const pending = rejection(
      einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 }, { signal: controller.signal }),
    );
    await until(() => server.count === 1);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(EcpayAbortError);
    expect(error.message).toContain('while waiting to send');
    expect(listeners(controller.signal)).toBe(0);
    expect(server.count).toBe(1);
  });

  it('after the request left (TriggerIssue): no listener left, and the outcome is unknown', async () => {
    const hold = holding();
    const server = await serve(hold.handler);
    const controller = new AbortController();
    const pending = rejection(
      clientFor(server.url).b2c.triggerIssue({ Tsr: 'T-2024-0001', PayType: '2' }, { signal: controller.signal }),
    );
    await until(() => hold.held() === 1);
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({
      name: 'EcpayAbortError',
      outcomeUnknown: true,
      succeeded: false,
      recovery: { call: 'b2c.getIssue' },
    });
    expect(listeners(controller.signal)).toBe(0);
    expect(server.count).toBe(1);
  });
});
