// SIGINT/SIGTERM, opt-in: nothing in mrpipe listens for a signal unless its caller asked (the CLI does;
// runJob with handleSignals, removeTempDirsOnSignals). One process listener per signal is shared by every
// asker (many concurrent runJob calls would otherwise pass Node's 10-listener MaxListenersExceededWarning).
// SIGHUP (a closed terminal, a dropped ssh session) stops a job as SIGTERM does: its default would end the
// process with the lock, staging dir and work dir left behind. (Node resets an inherited SIG_IGN to the
// default at start, so `nohup` never kept a Node process alive through SIGHUP anyway.)
type Handler = (sig: NodeJS.Signals) => void;

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const handlers = new Set<Handler>();

function dispatch(sig: NodeJS.Signals): void {
  for (const h of [...handlers]) h(sig);
}

/** Calls h on SIGINT/SIGTERM/SIGHUP until the returned function is called; the last one out removes the listeners
 * (so a signal re-raised after that ends the process the Unix way). */
export function onStopSignals(h: Handler): () => void {
  if (handlers.size === 0) for (const sig of STOP_SIGNALS) process.on(sig, dispatch);
  handlers.add(h);
  return () => {
    if (handlers.delete(h) && handlers.size === 0) for (const sig of STOP_SIGNALS) process.removeListener(sig, dispatch);
  };
}

/**
 * Ends the process by `sig`, as an interrupted Unix tool ends (status 128 + n), unless someone still listens
 * for it (another asker, or the program's own handler), who then decides. Call it after releasing your
 * onStopSignals listener, and only when your caller asked for it.
 */
export function dieOfSignal(sig: NodeJS.Signals): void {
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}
