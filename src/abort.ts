// Listening to a caller's AbortSignal without piling listeners on it: one real listener per signal, whatever the
// number of calls sharing it (a long-lived signal passed to every call of a busy server), removed with the last one.
// AbortSignal.any would do this too, but leaks on a long-lived signal in Node 20.
const waiting = new WeakMap<AbortSignal, { callbacks: Set<() => void>; dispatch: () => void }>();

/** Calls `onAbort` when `signal` aborts; returns the function that stops listening. */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let entry = waiting.get(signal);
  if (!entry) {
    const callbacks = new Set<() => void>();
    const dispatch = () => {
      waiting.delete(signal);
      for (const fn of callbacks) fn();
    };
    entry = { callbacks, dispatch };
    waiting.set(signal, entry);
    signal.addEventListener('abort', dispatch, { once: true });
  }
  const { callbacks } = entry;
  callbacks.add(callback);
  return () => {
    // The signal's current entry only: once it aborted (or the last one left), a new call starts a new one.
    if (waiting.get(signal)?.callbacks !== callbacks || !callbacks.delete(callback) || callbacks.size) return;
    waiting.delete(signal);
    signal.removeEventListener('abort', entry.dispatch);
  };
}
