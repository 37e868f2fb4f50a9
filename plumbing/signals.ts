// SIGINT/SIGTERM for running jobs: one process listener per signal shared by every job in the process
// (many concurrent runJob calls would otherwise pass Node's 10-listener MaxListenersExceededWarning).
type Handler = (sig: NodeJS.Signals) => void;

const handlers = new Set<Handler>();

function dispatch(sig: NodeJS.Signals): void {
  for (const h of [...handlers]) h(sig);
}

/** Calls h on SIGINT/SIGTERM until the returned function is called; the last one out removes the listeners
 * (so a signal re-raised after that ends the process the Unix way). */
export function onStopSignals(h: Handler): () => void {
  if (handlers.size === 0) {
    process.on('SIGINT', dispatch);
    process.on('SIGTERM', dispatch);
  }
  handlers.add(h);
  return () => {
    if (handlers.delete(h) && handlers.size === 0) {
      process.removeListener('SIGINT', dispatch);
      process.removeListener('SIGTERM', dispatch);
    }
  };
}
