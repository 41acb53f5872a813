// Listening to a caller's AbortSignal without piling listeners on it: one real listener per signal, whatever the
// number of calls sharing it (a long-lived signal passed to every call of a busy server), removed with the last one.
// AbortSignal.any would do this too, but leaks on a long-lived signal in Node 20.
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `onAbort` when `signal` aborts; returns the function that stops listening. */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (!callbacks) {
    const set = new Set<() => void>();
    callbacks = set;
    waiting.set(signal, set);
    const dispatch = () => {
      waiting.delete(signal);
      for (const fn of set) fn();
    };
    signal.addEventListener('abort', dispatch, { once: true });
    // Kept beside the set, so that the last one out can remove the real listener.
    listeners.set(set, dispatch);
  }
  callbacks.add(callback);
  return () => {
    const set = waiting.get(signal);
    if (!set || !set.delete(callback) || set.size) return;
    waiting.delete(signal);
    signal.removeEventListener('abort', listeners.get(set)!);
  };
}

const listeners = new WeakMap<Set<() => void>, () => void>();
