// The CommonJS file piscina is given as its task file, which import()s the real (ES module) entry.
// piscina loads a task file with require() first, and on Node 24 require() of an ES module works — but a
// thread terminated while require() links that module (a signal stopping a job while its pool starts)
// aborts the whole process: node's assertion in ModuleWrap::CreateRequiredModuleFacade, exit by SIGABRT
// instead of the job's own exit. import() is the ES module loader, which a terminate simply stops.
// The entry is named in workerData (piscina passes it to every thread), and loading starts at once, as
// piscina's own preload would have, so a thread is ready when its first task comes.
const { workerData } = process.getBuiltinModule('node:worker_threads') as { workerData: { esmEntry: string } };

const entry = import(workerData.esmEntry) as Promise<{ default: (task: unknown) => unknown }>;
// A failed load fails the first task, which says why; it is not an unhandled rejection before it.
entry.catch(() => undefined);

module.exports = async function runTask(task: unknown): Promise<unknown> {
  return (await entry).default(task);
};
