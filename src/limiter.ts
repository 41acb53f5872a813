// ECPay's documented call rates (DownloadB2BPdf: about 2 calls per 10 s per IP), kept by the client so that its own
// calls and retries do not trip ECPay's rate limit (HTTP 403, with waits of up to 30 minutes).
import { EcpayAbortError, type ErrorContext } from './errors.ts';

/** At most `calls` attempts in any `seconds`-long window; an attempt beyond that waits for the window to move. */
export class RateLimiter {
  private readonly starts: number[] = [];

  constructor(
    private readonly calls: number,
    private readonly seconds: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async take(signal: AbortSignal | undefined, context: ErrorContext): Promise<void> {
    const windowMs = this.seconds * 1000;
    for (;;) {
      const now = this.clock();
      while (this.starts.length && this.starts[0]! <= now - windowMs) this.starts.shift();
      if (this.starts.length < this.calls) {
        this.starts.push(now);
        return;
      }
      await wait(this.starts[0]! + windowMs - now, signal, context);
    }
  }
}

/** Waits, unless the caller's signal fires first. */
export function wait(ms: number, signal: AbortSignal | undefined, context: ErrorContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => new EcpayAbortError('cancelled by the caller while waiting to send', context);
    if (signal?.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
