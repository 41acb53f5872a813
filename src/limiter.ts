// ECPay's documented call rates (DownloadB2BPdf: about 2 calls per 10 s per IP), kept by the client so that its own
// calls and retries do not trip ECPay's rate limit (HTTP 403, with waits of up to 30 minutes).
import { onAbort } from './abort.ts';
import { EcpayAbortError, type ErrorContext } from './errors.ts';

/** At most `calls` attempts in any `seconds`-long window; an attempt beyond that waits for the window to move. */
export class RateLimiter {
  private readonly starts: number[] = [];

  constructor(
    private readonly calls: number,
    private readonly seconds: number,
  ) {}

  async take(signal: AbortSignal | undefined, context: ErrorContext): Promise<void> {
    const windowMs = this.seconds * 1000;
    for (;;) {
      const now = performance.now();
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
    const timer = setTimeout(() => {
      stopListening?.();
      resolve();
    }, ms);
    // Through src/abort.ts: calls waiting on one shared signal add one listener to it, not one each.
    const stopListening = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(cancelled());
        })
      : undefined;
  });
}
