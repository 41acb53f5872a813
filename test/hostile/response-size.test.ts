// Answers larger than maxResponseBytes (64 KiB here): a declared Content-Length beyond the cap, a chunked body that
// streams past it, a gzip bomb (a few KB that inflate to many MB of zeros), an endless stream. Each ends with an
// EcpayResponseError that says so, the outcome of a mutation unknown, and the server sees the client go away while
// it still had data to write (asserted from the server's side, never as a heap figure). A non-2xx answer is read
// only as far as an excerpt, even when it never ends.
import { gzipSync, createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EcpayHttpError, EcpayResponseError, EcpayTimeoutError, EcpayUnexpectedShapeError } from '../../src/index.ts';
import {
  clientFor,
  loopbacks,
  rejection,
  repeated,
  settled,
  writeBody,
  type Writing,
  trigger,
} from '../support/hostile.ts';
import { ecpayAnswer } from '../support/loopback.ts';

const serve = loopbacks();
const CAP = 64 * 1024;
const MB = 1024 * 1024;
const TOO_LARGE = `is larger than maxResponseBytes (${CAP} bytes); reading stopped`;

/** A server whose every answer is the given body; the writing of the (only) answer is kept for the assertions. */
async function serveBody(status: number, headers: Record<string, string>, chunks: Parameters<typeof writeBody>[3]) {
  let writing: Writing | undefined;
  const server = await serve((_req, res) => {
    writing = writeBody(res, status, headers, chunks);
  });
  return { server, writing: () => settled(writing) };
}

/** A gzip stream of `total` zero bytes (Infinity: endless), produced as the socket takes it. */
async function* gzippedZeros(total: number, closed: Promise<void>): AsyncGenerator<Uint8Array> {
  const gzip = createGzip();
  gzip.on('error', () => undefined);
  const zeros = Buffer.alloc(MB);
  let gone = false;
  void closed.then(() => {
    gone = true;
    gzip.destroy();
  });
  void (async () => {
    for (let fed = 0; fed < total && !gone; fed += zeros.length) {
      if (!gzip.write(zeros)) await Promise.race([new Promise((r) => gzip.once('drain', r)), closed]);
    }
    if (!gone) gzip.end();
  })();
  for await (const chunk of gzip) yield chunk as Uint8Array;
}

function expectTooLarge(error: any, status = 200) {
  expect(error).toBeInstanceOf(EcpayResponseError);
  expect(error).not.toBeInstanceOf(EcpayUnexpectedShapeError);
  expect(error.message).toContain(`the answer (HTTP ${status}) ${TOO_LARGE}`);
  expect(error).toMatchObject({
    name: 'EcpayResponseError',
    operation: 'b2cTriggerIssue',
    outcomeUnknown: true,
    succeeded: false,
  });
  expect(error.recovery).toMatchObject({ call: 'b2c.getIssue', operation: 'b2cGetIssue' });
  expect(error.message).toContain('its outcome is unknown');
}

describe('a 2xx answer beyond maxResponseBytes, for TriggerIssue', () => {
  it('a declared Content-Length beyond the cap is refused without reading the body', async () => {
    // The head promises 256 MB and the server then writes nothing until the client goes away: a client that read
    // the body before judging it would wait for its timeout instead.
    const { server, writing } = await serveBody(
      200,
      { 'Content-Type': 'application/json', 'Content-Length': String(256 * MB) },
      async function* (closed) {
        await closed;
        yield Buffer.alloc(0);
      },
    );
    const error = await rejection(clientFor(server.url, { timeoutMs: 10_000 }).b2c.triggerIssue(trigger));
    expect(error).not.toBeInstanceOf(EcpayTimeoutError);
    expectTooLarge(error);
    const w = await writing();
    expect(w.clientLeft).toBe(true);
    expect(w.written).toBe(0);
    expect(server.count).toBe(1);
  });

  it('a declared Content-Length beyond the cap, with the body flowing, stops early', async () => {
    const total = 128 * MB;
    const { server, writing } = await serveBody(
      200,
      { 'Content-Type': 'application/json', 'Content-Length': String(total) },
      () => repeated(' ', 64 * 1024, total / (64 * 1024)),
    );
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger));
    expectTooLarge(error);
    const w = await writing();
    expect(w.clientLeft).toBe(true);
    expect(w.written).toBeLessThan(total);
    expect(server.count).toBe(1);
  });

  it('a chunked body without a length that streams beyond the cap stops early', async () => {
    const total = 128 * MB;
    const { server, writing } = await serveBody(200, { 'Content-Type': 'application/json' }, function* () {
      yield Buffer.from('{"TransCode":1,"TransMsg":"');
      yield* repeated('x', 16 * 1024, total / (16 * 1024));
      yield Buffer.from('"}');
    });
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger));
    expectTooLarge(error);
    const w = await writing();
    expect(w.clientLeft).toBe(true);
    expect(w.written).toBeLessThan(total);
    expect(server.count).toBe(1);
  });

  it('an endless stream stops early', async () => {
    const { server, writing } = await serveBody(200, { 'Content-Type': 'application/json' }, () =>
      repeated(' ', 16 * 1024, Infinity),
    );
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger));
    expectTooLarge(error);
    expect((await writing()).clientLeft).toBe(true);
    expect(server.count).toBe(1);
  });

  it('a gzip bomb (a few KB inflating to 16 MB of zeros) is capped on the inflated bytes, before the bomb is even all sent', async () => {
    const bomb = gzipSync(Buffer.alloc(16 * MB));
    expect(bomb.length).toBeLessThan(CAP); // the wire bytes alone are within the cap
    // All of the bomb but its last bytes (the gzip trailer) is written; the rest waits for the client, which must
    // stop on the inflated size rather than wait for the end of the body.
    const head = bomb.subarray(0, bomb.length - 8);
    const tail = bomb.subarray(bomb.length - 8);
    const { server, writing } = await serveBody(
      200,
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(bomb.length) },
      async function* (closed) {
        yield head;
        await closed;
        yield tail;
      },
    );
    const error = await rejection(clientFor(server.url, { timeoutMs: 10_000 }).b2c.triggerIssue(trigger));
    expect(error).not.toBeInstanceOf(EcpayTimeoutError);
    expectTooLarge(error);
    const w = await writing();
    expect(w.clientLeft).toBe(true);
    expect(w.written).toBe(head.length);
    expect(server.count).toBe(1);
  });

  it('an endless gzip stream of zeros stops early', async () => {
    const { server, writing } = await serveBody(
      200,
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      (closed) => gzippedZeros(Infinity, closed),
    );
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger));
    expectTooLarge(error);
    expect((await writing()).clientLeft).toBe(true);
    expect(server.count).toBe(1);
  });

  it('an answer just within the cap is read (the cap is not refusing everything)', async () => {
    const answer = ecpayAnswer({ RtnCode: 4000004, RtnMsg: 'x'.repeat(150), Tsr: trigger.Tsr });
    const padded = `${answer.slice(0, -1) + ' '.repeat(CAP - answer.length - 100)}}`;
    const { server } = await serveBody(200, { 'Content-Type': 'application/json' }, function* () {
      yield Buffer.from(padded);
    });
    await expect(clientFor(server.url).b2c.triggerIssue(trigger)).resolves.toMatchObject({ RtnCode: 4000004 });
    expect(server.count).toBe(1);
  });
});

describe('a query whose answer is beyond the cap', () => {
  it('fails the same way, says it is safe to call again, and the server sees the client go away', async () => {
    const { server, writing } = await serveBody(200, { 'Content-Type': 'application/json' }, () =>
      repeated(' ', 16 * 1024, Infinity),
    );
    const error = await rejection(clientFor(server.url).b2c.getIssue({ RelateNumber: 'ORDER-1' }));
    expect(error).toBeInstanceOf(EcpayResponseError);
    expect(error.message).toContain(TOO_LARGE);
    expect(error.message).toContain('safe to call again');
    expect(error.recovery).toBeUndefined();
    expect((await writing()).clientLeft).toBe(true);
    // Not retried on its own: the same query would bring the same oversize answer.
    expect(server.count).toBe(1);
  });
});

describe('a non-2xx answer is read only as far as an excerpt', () => {
  it.each([
    [500, true],
    [502, true],
    [403, false],
  ])('HTTP %i with an endless body: a short bodyExcerpt, and the client goes away', async (status, unknown) => {
    const { server, writing } = await serveBody(status, { 'Content-Type': 'text/html' }, function* () {
      yield Buffer.from('<html>Gateway error ');
      yield* repeated('E', 16 * 1024, Infinity);
    });
    const error = await rejection(clientFor(server.url).b2c.triggerIssue(trigger));
    expect(error).toBeInstanceOf(EcpayHttpError);
    expect(error).toMatchObject({ name: 'EcpayHttpError', status, outcomeUnknown: unknown, succeeded: false });
    expect(error.bodyExcerpt.startsWith('<html>Gateway error EEEE')).toBe(true);
    expect(error.bodyExcerpt.length).toBeLessThan(300);
    expect(error.message.length).toBeLessThan(2_000);
    expect((await writing()).clientLeft).toBe(true);
    expect(server.count).toBe(1);
  });

  it('HTTP 503 with a Content-Length of 1 GB that never comes: the excerpt is what arrived, no wait for the rest', async () => {
    const { server, writing } = await serveBody(
      503,
      { 'Content-Type': 'text/plain', 'Content-Length': String(1024 * MB) },
      async function* (closed) {
        yield Buffer.from('Service Unavailable ');
        yield Buffer.alloc(8 * 1024, 'U');
        await closed;
      },
    );
    const error = await rejection(clientFor(server.url, { timeoutMs: 10_000 }).b2c.triggerIssue(trigger));
    expect(error).toBeInstanceOf(EcpayHttpError);
    expect(error).toMatchObject({ status: 503, outcomeUnknown: true });
    expect(error.bodyExcerpt.startsWith('Service Unavailable UUU')).toBe(true);
    expect(error.bodyExcerpt.length).toBeLessThan(300);
    expect((await writing()).clientLeft).toBe(true);
    expect(server.count).toBe(1);
  });
});
