// Helpers of the hostile-network suite (test/hostile/): loopback servers closed after each test, bodies written with
// backpressure that record whether the client went away before the server finished, a server that counts requests
// in flight, and the checks every hostile case makes on an error (its flags, bounded renderings).
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, expect } from 'vitest';
import {
  createEinvoiceClient,
  EcpayConfigError,
  STAGE_CREDENTIALS,
  type EinvoiceClientConfig,
} from '../../src/index.ts';
import { ecpayAnswer, listenOnLoopback, sendJson, startServer, type Handler } from './loopback.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

/** Call at the top of a test file: `serve(handler)` starts a loopback server that is closed after each test. */
export function loopbacks(): (handler: Handler) => Promise<Server> {
  const open: Server[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (handler) => {
    const server = await startServer(handler);
    open.push(server);
    return server;
  };
}

/** The TriggerIssue payload the hostile cases send (its success answer echoes Tsr). */
export const trigger = { Tsr: 'T-2024-0001', PayType: '2' as const };

/** A client of a loopback server with small bounds: short timeout and backoff, a 64 KiB answer cap. */
export function clientFor(url: string, extra: EinvoiceClientConfig = {}) {
  return createEinvoiceClient({
    ...STAGE_CREDENTIALS,
    environment: { baseUrl: url },
    timeoutMs: 3_000,
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
    maxResponseBytes: 64 * 1024,
    ...extra,
  });
}

/** The stage merchant against a loopback server: the base a configuration test varies. */
export const baseConfig = (url: string): EinvoiceClientConfig => ({
  ...STAGE_CREDENTIALS,
  environment: { baseUrl: url },
});

/**
 * The EcpayConfigError of a configuration: the client is created and called against a loopback server (from
 * `serve`, a file's loopbacks()) that must not see a request, and the error must say nothing was sent.
 */
export async function refusedConfiguration(
  serve: (handler: Handler) => Promise<Server>,
  config: (url: string) => EinvoiceClientConfig,
): Promise<EcpayConfigError> {
  const server = await serve((_req, res) => {
    sendJson(res, ecpayAnswer({ RtnCode: 1, RtnMsg: 'ok' }));
  });
  let error: any;
  try {
    const einvoice = createEinvoiceClient(config(server.url));
    await einvoice.b2c.updateInvoiceWordStatus({ TrackID: 'T1', InvoiceStatus: 2 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(EcpayConfigError);
  expect(error).toMatchObject({
    name: 'EcpayConfigError',
    outcomeUnknown: false,
    succeeded: false,
    recovery: undefined,
  });
  expect(server.count).toBe(0);
  return error as EcpayConfigError;
}

/** The rejection of a call, or `{ unexpectedSuccess }` when it resolved (so a matcher shows what came back). */
export const rejection = (call: Promise<unknown>): Promise<any> =>
  call.then(
    (value) => ({ unexpectedSuccess: value }),
    (e: unknown) => e,
  );

/** What the server saw of a body it wrote: bytes handed to the socket, and whether the client left before the end. */
export interface Writing {
  written: number;
  /** The response's 'close' fired before its 'finish': the client went away while the server still had data. */
  clientLeft: boolean;
  /** Resolves when the response closes, whichever way. */
  closed: Promise<void>;
}

/**
 * Writes the head, then each chunk of `chunks` with backpressure (waiting for 'drain' or 'close'), then ends the
 * response. `chunks` receives `closed`, so a source can pause until the client goes away (`await closed`).
 */
export function writeBody(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  chunks: (closed: Promise<void>) => Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Writing {
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const writing: Writing = { written: 0, clientLeft: false, closed };
  res.on('close', () => {
    writing.clientLeft = !res.writableFinished;
    markClosed();
  });
  res.writeHead(status, headers);
  res.flushHeaders(); // the head goes out now, even when the body is held back
  void (async () => {
    try {
      for await (const chunk of chunks(closed)) {
        if (res.destroyed) return;
        writing.written += chunk.byteLength;
        if (!res.write(chunk)) await Promise.race([once(res, 'drain'), closed]);
      }
      if (!res.destroyed) res.end();
    } catch {
      // The client went away mid-write: that is what these tests provoke.
    }
  })();
  return writing;
}

/** `size`-byte chunks of `fill`, `count` times (Infinity: a body without end). */
export function* repeated(fill: string, size: number, count: number): Generator<Uint8Array> {
  const chunk = Buffer.alloc(size, fill);
  for (let i = 0; i < count; i += 1) yield chunk;
}

/** Waits (at most `ms`) for the server's side of a streamed answer to close, and returns what the server saw. */
export async function settled(writing: Writing | undefined, ms = 2_000): Promise<Writing> {
  expect(writing, 'the server never received the request').toBeDefined();
  await Promise.race([writing!.closed, new Promise((resolve) => setTimeout(resolve, ms))]);
  return writing!;
}

/** String(), JSON.stringify() and util.inspect() of an error: none may throw, each stays under `max` characters. */
export function expectBoundedRenderings(error: unknown, max = 4 * 1024): string[] {
  const renderings = [
    String(error),
    JSON.stringify(error),
    inspect(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ];
  for (const text of renderings) {
    expect(typeof text).toBe('string');
    expect(text.length).toBeLessThan(max);
  }
  return renderings;
}

/** The characters src/errors.ts escapes in text from outside (C0, DEL, C1, U+2028, U+2029). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what this names
export const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A loopback server that counts requests in flight: up when a request arrives, down when its response finishes (or
 * the connection closes). `answer` makes the body of each answer from the request body. Answers are held back until
 * `batch` requests are waiting (or 2 ms pass without that), so that requests pile up as far as the client lets them.
 */
export async function startInFlightServer(answer: (body: string) => string, batch: number) {
  const stats = { count: 0, inFlight: 0, maxInFlight: 0 };
  const waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const send of waiting.splice(0)) send();
  };
  const server = createServer((req, res) => {
    stats.count += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let done = false;
    const down = () => {
      if (!done) stats.inFlight -= 1;
      done = true;
    };
    res.on('finish', down);
    res.on('close', down);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      waiting.push(() => {
        sendJson(res, answer(body));
      });
      if (waiting.length >= batch) flush();
      else timer ??= setTimeout(flush, 2);
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    stats,
    close: () => {
      flush();
      return listening.close();
    },
  };
}
