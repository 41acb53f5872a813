// One HTTP attempt, bounded in every direction a hostile network can push: a connection slot (at most N requests in
// flight per client), a timeout that covers the body, the caller's signal (one shared listener: src/abort.ts), no
// redirects, and a byte cap on the answer that stops reading as soon as it is crossed. It says what failed and
// whether the request can have left this machine.
import { onAbort } from './abort.ts';

export interface AttemptLimits {
  timeoutMs: number;
  /** Largest answer read; beyond it the connection is dropped (decompressed bytes, so a gzip bomb stops early). */
  maxResponseBytes: number;
  slots: Slots;
}

/** How an attempt failed, in the terms the retry policy and the error need. */
export type AttemptFailure =
  | { kind: 'aborted'; cause: unknown; sent: boolean }
  | { kind: 'timeout'; cause: unknown }
  | { kind: 'connection'; cause: unknown; code: string | undefined; sent: boolean }
  | { kind: 'too-large'; status: number; bytes: number };

export class AttemptError extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(failure.kind);
  }
}

// Failures that prove the request never left this machine or never reached a server: nothing can have happened.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EMFILE',
  'ENFILE',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
  'ENOBUFS',
  'ERR_INVALID_URL',
  'UND_ERR_INVALID_ARG',
]);

/** How much of a non-2xx answer is read, for the error's excerpt. */
const EXCERPT_BYTES = 4096;

/**
 * Sends one request and reads its whole answer. Throws AttemptError for everything but an answer; a non-2xx answer
 * (3xx included: redirects are never followed) is returned with at most EXCERPT_BYTES of its body.
 */
export async function attempt(
  fetch: typeof globalThis.fetch,
  url: string,
  init: { headers: Readonly<Record<string, string>>; body: string },
  limits: AttemptLimits,
  userSignal: AbortSignal | undefined,
): Promise<{ response: Response; bytes: Uint8Array }> {
  const slot = limits.slots.acquire(userSignal);
  const release = typeof slot === 'function' ? slot : await slot;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  const stopListening = userSignal ? onAbort(userSignal, () => controller.abort(userSignal.reason)) : undefined;
  // Once fetch is called the request may be on its way: an abort or a failure after that, before any answer, leaves
  // the outcome unknown (unless the error proves the connection never opened). Waiting for a slot sent nothing.
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: controller.signal,
      redirect: 'manual',
    });
    const cap = response.ok ? limits.maxResponseBytes : EXCERPT_BYTES;
    const bytes = await readCapped(response, cap, response.ok);
    if (bytes === undefined) {
      controller.abort(); // drop the connection: the server sees the client go away
      throw new AttemptError({ kind: 'too-large', status: response.status, bytes: limits.maxResponseBytes });
    }
    return { response, bytes };
  } catch (cause) {
    if (cause instanceof AttemptError) throw cause;
    if (userSignal?.aborted) throw new AttemptError({ kind: 'aborted', cause, sent: true });
    if (timedOut) throw new AttemptError({ kind: 'timeout', cause });
    const code = errorCode(cause);
    throw new AttemptError({ kind: 'connection', cause, code, sent: !NOT_SENT_CODES.has(code ?? '') });
  } finally {
    clearTimeout(timer);
    stopListening?.();
    release();
  }
}

/** The body up to `cap` bytes; undefined when it is larger (and `strict`), else what fits (an excerpt). */
async function readCapped(response: Response, cap: number, strict: boolean): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (strict && declared > cap) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return new Uint8Array(0);
  // Read chunk by chunk even when the length is declared: a compressed body decodes to more than it declares, and
  // the reader is also the cheaper read (undici's arrayBuffer() reads the same stream, then copies it).
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > cap) {
      await reader.cancel().catch(() => undefined);
      if (strict) return undefined;
      chunks.push(value.subarray(0, cap - total));
      total = cap;
      break;
    }
    chunks.push(value);
    total += value.byteLength;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function errorCode(error: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed', { cause: Error { code } }), sometimes an AggregateError.
  let at: unknown = error;
  for (let depth = 0; at && depth < 4; depth += 1) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // Deno's fetch has no codes, only the message of its cause.
    const message = String((at as { message?: unknown }).message ?? '');
    if (/\bdns error\b/.test(message)) return 'ENOTFOUND';
    if (/tcp connect error: Connection refused/.test(message)) return 'ECONNREFUSED';
    const inner = (at as { errors?: unknown[] }).errors?.[0];
    at = (at as { cause?: unknown }).cause ?? inner;
  }
  return undefined;
}

/**
 * At most `size` requests in flight per client; the rest wait their turn, in order. A request that waits has not
 * left this machine, so a caller's abort while waiting cancels it cleanly.
 */
export class Slots {
  private free: number;
  private readonly queue: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  /** The release function at once when a slot is free (no promise to settle on the common path), else a promise of it. */
  acquire(signal: AbortSignal | undefined): (() => void) | Promise<() => void> {
    if (this.free > 0) {
      this.free -= 1;
      return this.releaser();
    }
    return this.wait(signal);
  }

  private async wait(signal: AbortSignal | undefined): Promise<() => void> {
    await new Promise<void>((resolve, reject) => {
      const cancelled = () => new AttemptError({ kind: 'aborted', cause: signal!.reason, sent: false });
      if (signal?.aborted) return reject(cancelled());
      const stop = signal
        ? onAbort(signal, () => {
            this.queue.splice(this.queue.indexOf(turn), 1);
            reject(cancelled());
          })
        : undefined;
      const turn = () => {
        stop?.();
        resolve();
      };
      this.queue.push(turn);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next)
        next(); // the slot passes straight to the next in line
      else this.free += 1;
    };
  }
}
