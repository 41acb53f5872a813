// A success never turns into a raw error, nor into a failure: an answer that reports success but nests thousands
// of levels deep, or carries 300,000 malformed items, is a typed error that says the operation succeeded and renders
// in a few KB; a debug hook that throws on every event changes nothing; text from outside (RtnMsg, TransMsg, HTTP
// bodies) reaches messages with its control characters escaped.
import { describe, expect, it } from 'vitest';
import { encryptData } from '../../src/codec.ts';
import {
  EcpayBusinessError,
  EcpayEnvelopeError,
  EcpayError,
  EcpayHttpError,
  EcpayResponseError,
  EcpayUnexpectedShapeError,
  type DebugEvent,
} from '../../src/index.ts';
import { stageAes } from '../support/fake-ecpay.ts';
import { clientFor, expectBoundedRenderings, loopbacks, RAW_CONTROL, rejection, trigger } from '../support/hostile.ts';
import { ecpayAnswer, type Handler, sendJson, ecpayEnvelope } from '../support/loopback.ts';

const serve = loopbacks();
/** An answer whose decrypted Data is exactly this JSON text (built by hand: JSON.stringify could not make it). */
const answerText = (dataJson: string, extra: Record<string, unknown> = {}) =>
  ecpayEnvelope(encryptData(stageAes, dataJson), extra);
const nested = (kind: 'object' | 'array', depth: number) =>
  kind === 'object' ? `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}` : `${'['.repeat(depth)}0${']'.repeat(depth)}`;

function expectSucceeded(error: any, operation: string) {
  expect(error).toBeInstanceOf(EcpayResponseError);
  expect(error).toMatchObject({ operation, succeeded: true, outcomeUnknown: false, recovery: undefined });
  expect(error.message).toContain('The operation succeeded at ECPay: do not send it again.');
}

describe('a TriggerIssue success that nests thousands of levels deep', () => {
  it.each([
    ['an object', 5_000, 'object'],
    ['an array', 5_000, 'array'],
    ['an object', 100_000, 'object'],
    ['an array', 100_000, 'array'],
  ] as const)(
    'RtnMsg as %s %i levels deep: EcpayUnexpectedShapeError, succeeded, bounded renderings',
    async (_words, depth, kind) => {
      const server = await serve((_req, res) =>
        sendJson(res, answerText(`{"RtnCode":4000004,"RtnMsg":${nested(kind, depth)},"Tsr":"${trigger.Tsr}"}`)),
      );
      const error = await rejection(
        clientFor(server.url, { maxResponseBytes: 16 * 1024 * 1024 }).b2c.triggerIssue(trigger),
      );
      expect(error).toBeInstanceOf(EcpayUnexpectedShapeError);
      expect(error).toMatchObject({ name: 'EcpayUnexpectedShapeError', data: { RtnCode: 4000004, Tsr: trigger.Tsr } });
      expect(error.issues).toEqual([expect.objectContaining({ field: 'RtnMsg', rule: 'type string' })]);
      expectSucceeded(error, 'b2cTriggerIssue');
      expectBoundedRenderings(error);
      expect(server.count).toBe(1);
    },
  );

  it('an echoed field (Tsr) as an array 5,000 levels deep: still a typed error that says the operation succeeded', async () => {
    const server = await serve((_req, res) =>
      sendJson(res, answerText(`{"RtnCode":4000004,"RtnMsg":"","Tsr":${nested('array', 5_000)}}`)),
    );
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger));
    expectSucceeded(error, 'b2cTriggerIssue');
    expect(['EcpayMismatchError', 'EcpayUnexpectedShapeError']).toContain(error.name);
    expectBoundedRenderings(error);
    expect(server.count).toBe(1);
  });

  it('an unknown field nested 100,000 levels deep is kept and the success returned', async () => {
    const server = await serve((_req, res) =>
      sendJson(
        res,
        answerText(`{"RtnCode":4000004,"RtnMsg":"","Tsr":"${trigger.Tsr}","Extra":${nested('array', 100_000)}}`),
      ),
    );
    const result = await clientFor(server.url, { maxResponseBytes: 16 * 1024 * 1024 }).b2c.triggerIssue(trigger);
    expect(result.RtnCode).toBe(4000004);
    expect(server.count).toBe(1);
  });
});

describe('a B2B GetInvoiceWordSetting success with 300,000 malformed InvoiceInfo items', () => {
  it('is a typed error that says it succeeded, with a bounded message, issues and renderings', async () => {
    const items = Array.from({ length: 300_000 }, (_, i) => (i % 2 ? '1' : '{"TrackID":true}')).join(',');
    const body = answerText(`{"RtnCode":1,"RtnMsg":"Success","InvoiceInfo":[${items}]}`);
    const server = await serve((_req, res) => sendJson(res, body));
    const error = await rejection(
      clientFor(server.url, { maxResponseBytes: 32 * 1024 * 1024 }).b2b.getInvoiceWordSetting({
        InvoiceYear: '113',
        InvoiceTerm: 0,
        UseStatus: 0,
      }),
    );
    expect(error).toBeInstanceOf(EcpayUnexpectedShapeError);
    expectSucceeded(error, 'b2bGetInvoiceWordSetting');
    expect(error.data.InvoiceInfo).toHaveLength(300_000);
    expect(error.issues.length).toBeLessThanOrEqual(101);
    expect(error.issues[0]).toMatchObject({ field: 'InvoiceInfo[0].TrackID' });
    expect(error.issues.at(-1)).toMatchObject({ field: '(more)' });
    expect(error.message.length).toBeLessThan(4 * 1024);
    expect(error.message).toMatch(/and \d+ more/);
    expectBoundedRenderings(error);
    expect(server.count).toBe(1);
  }, 30_000);
});

describe('a debug hook that throws on every event', () => {
  const throwing = (seen: string[]) => (event: DebugEvent) => {
    seen.push(event.type);
    throw new Error(`hook broke on ${event.type}`);
  };

  it('changes nothing in a TriggerIssue success (the hook hears the attempt and the answer)', async () => {
    const server = await serve((_req, res) =>
      sendJson(res, ecpayAnswer({ RtnCode: 4000004, RtnMsg: '', Tsr: trigger.Tsr })),
    );
    const seen: string[] = [];
    const result = await clientFor(server.url, { debug: throwing(seen) }).b2c.triggerIssue.withEnvelope(trigger);
    expect(result).toMatchObject({ data: { RtnCode: 4000004, Tsr: trigger.Tsr }, attempts: 1 });
    expect(seen).toEqual(['attempt', 'answer']);
    expect(server.count).toBe(1);
  });

  it('changes nothing across a retry, a merchant that differs and result warnings', async () => {
    const server = await serve((_req, res, _body, i) =>
      i === 0
        ? void res.writeHead(503).end('busy')
        : sendJson(res, ecpayAnswer({ RtnCode: 1, RtnMsg: 'x'.repeat(201) }, { MerchantID: '3002607' })),
    );
    const seen: string[] = [];
    const result = await clientFor(server.url, { debug: throwing(seen) }).b2c.updateInvoiceWordStatus.withEnvelope({
      TrackID: 'T1',
      InvoiceStatus: 2,
    });
    expect(result.attempts).toBe(2);
    expect(result.warnings.map((w) => w.field)).toEqual(['RtnMsg']);
    expect(seen).toEqual(['attempt', 'answer', 'retry', 'attempt', 'answer', 'merchant-differs', 'result-warnings']);
    expect(server.count).toBe(2);
  });

  it('changes nothing in a failure: a business error stays the business error', async () => {
    const server = await serve((_req, res) =>
      sendJson(res, ecpayAnswer({ RtnCode: 4000001, RtnMsg: '查無資料', Tsr: '' })),
    );
    const seen: string[] = [];
    const error = await rejection(clientFor(server.url, { debug: throwing(seen) }).b2c.triggerIssue(trigger));
    expect(error).toBeInstanceOf(EcpayBusinessError);
    expect(error).toMatchObject({ rtnCode: 4000001, succeeded: false, outcomeUnknown: false });
    expect(seen).toEqual(['attempt', 'answer']);
    expect(server.count).toBe(1);
  });

  it('a hook that throws something that is not an Error, or whose thrown value itself throws, changes nothing', async () => {
    const server = await serve((_req, res) =>
      sendJson(res, ecpayAnswer({ RtnCode: 4000004, RtnMsg: '', Tsr: trigger.Tsr })),
    );
    const hostile = {
      get message() {
        throw new Error('no message');
      },
      toString() {
        throw new Error('no text');
      },
    };
    const result = await clientFor(server.url, {
      debug: () => {
        throw hostile;
      },
    }).b2c.triggerIssue(trigger);
    expect(result.RtnCode).toBe(4000004);
    expect(server.count).toBe(1);
  });

  it('an async hook whose every call rejects changes nothing, and leaves no unhandled rejection behind', async () => {
    const server = await serve((_req, res) =>
      sendJson(res, ecpayAnswer({ RtnCode: 4000004, RtnMsg: '', Tsr: trigger.Tsr })),
    );
    const { value, unhandled } = await collectingUnhandledRejections(() =>
      clientFor(server.url, {
        debug: async (event) => {
          throw new Error(`async hook broke on ${event.type}`);
        },
      }).b2c.triggerIssue(trigger),
    );
    expect(value).toMatchObject({ RtnCode: 4000004 });
    expect(unhandled.map(String)).toEqual([]);
    expect(server.count).toBe(1);
  });
});

/**
 * Runs `call` with this test's own 'unhandledRejection' listener in place of the runner's (restored afterwards), and
 * returns what it caught: a rejection nobody handles would otherwise crash a Node process that has no listener.
 */
async function collectingUnhandledRejections<T>(call: () => Promise<T>): Promise<{ value: T; unhandled: unknown[] }> {
  const saved = process.listeners('unhandledRejection');
  const unhandled: unknown[] = [];
  const listener = (reason: unknown) => void unhandled.push(reason);
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', listener);
  try {
    const value = await call();
    // Unhandled rejections are reported after the microtask queue drains: give it two turns of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { value, unhandled };
  } finally {
    process.off('unhandledRejection', listener);
    for (const l of saved) process.on('unhandledRejection', l);
  }
}

describe('control characters from outside are escaped in messages', () => {
  const nasty = 'bad\r\nX-Injected: 1\u001b[2J\u0000\u007f\u0085\u2028\u2029end';
  const cases: [string, Handler, (e: any) => void][] = [
    [
      'RtnMsg of a business failure',
      (_req, res) => sendJson(res, ecpayAnswer({ RtnCode: 4000001, RtnMsg: nasty, Tsr: '' })),
      (e) => {
        expect(e).toBeInstanceOf(EcpayBusinessError);
        expect(e.rtnMsg).toBe(nasty); // the field keeps ECPay's text as it came
      },
    ],
    [
      'TransMsg of an envelope failure',
      (_req, res) =>
        sendJson(
          res,
          JSON.stringify({
            MerchantID: '2000132',
            RpHeader: { Timestamp: 1 },
            TransCode: 999,
            TransMsg: nasty,
            Data: '',
          }),
        ),
      (e) => {
        expect(e).toBeInstanceOf(EcpayEnvelopeError);
        expect(e.transMsg).toBe(nasty);
      },
    ],
    [
      'the body of an HTTP 500',
      (_req, res) => void res.writeHead(500, { 'Content-Type': 'text/plain' }).end(nasty),
      (e) => {
        expect(e).toBeInstanceOf(EcpayHttpError);
        expect(e.bodyExcerpt).not.toMatch(RAW_CONTROL);
      },
    ],
    [
      'the body of an HTTP 200 that is not JSON',
      (_req, res) => sendJson(res, nasty),
      (e) => {
        expect(e).toBeInstanceOf(EcpayResponseError);
        expect(e.message).toContain('not JSON');
      },
    ],
    [
      'a success whose RtnMsg is not text',
      (_req, res) => sendJson(res, ecpayAnswer({ RtnCode: 4000004, RtnMsg: [nasty], Tsr: trigger.Tsr })),
      (e) => {
        expect(e).toBeInstanceOf(EcpayUnexpectedShapeError);
        expect(e.succeeded).toBe(true);
      },
    ],
    [
      'an echoed Tsr of another request',
      (_req, res) => sendJson(res, ecpayAnswer({ RtnCode: 4000004, RtnMsg: '', Tsr: nasty })),
      (e) => {
        expect(e.name).toBe('EcpayMismatchError');
      },
    ],
  ];

  it.each(cases)('%s', async (_, handler, more) => {
    const server = await serve(handler);
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger));
    expect(error).toBeInstanceOf(EcpayError);
    more(error);
    expect(error.message).not.toMatch(RAW_CONTROL);
    expect(String(error)).not.toMatch(RAW_CONTROL);
    expect(server.count).toBe(1);
  });
});

describe('a clock that fails after the request left', () => {
  it('does not turn a TriggerIssue success into "nothing was sent"', async () => {
    const server = await serve((_req, res) =>
      sendJson(res, ecpayAnswer({ RtnCode: 4000004, RtnMsg: '', Tsr: trigger.Tsr })),
    );
    let reads = 0;
    // Good for the request's Timestamp, NaN from then on (a clock source that broke mid-call).
    const now = () => (++reads === 1 ? Date.now() : NaN);
    const outcome = await clientFor(server.url, { now })
      .b2c.triggerIssue(trigger)
      .then(
        (data) => ({ data }),
        (error: unknown) => ({ error }),
      );
    expect(server.count).toBe(1);
    if ('error' in outcome) {
      // If it is an error at all, it must say what happened: ECPay issued the invoice.
      expect(outcome.error).toMatchObject({ succeeded: true });
      expect((outcome.error as Error).message).not.toContain('nothing was sent');
    } else {
      expect(outcome.data).toMatchObject({ RtnCode: 4000004 });
    }
  });
});
