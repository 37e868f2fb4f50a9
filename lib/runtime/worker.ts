// The worker-thread entry piscina runs: loads the job from its ref (once per worker) and runs one task,
// posting progress on the MessagePort that came with it.
import type { MessagePort } from 'node:worker_threads';
import { loadRef, resolveJob, type ResolvedJob } from '../job/load.ts';
import { runMapTask } from './map-task.ts';
import { explainLineLimit } from './line-limit.ts';
import { runReduceTask } from './reduce-task.ts';
import { isDeterministic } from '../job/checks.ts';
import type { TaskEnv, TaskFailure, TaskResult, TaskSpec } from './task-types.ts';

export interface WorkerTask {
  spec: TaskSpec;
  env: TaskEnv;
  port?: MessagePort;
}

const jobs = new Map<string, Promise<ResolvedJob>>();

function jobFor(env: TaskEnv): Promise<ResolvedJob> {
  const key = JSON.stringify(env.ref);
  let p = jobs.get(key);
  if (!p) {
    p = loadRef(env.ref).then(resolveJob);
    jobs.set(key, p);
  }
  return p;
}

export default async function runTask(task: WorkerTask): Promise<TaskResult | TaskFailure> {
  const job = await jobFor(task.env);
  let last = 0;
  const onProgress = task.port
    ? (p: unknown) => {
      const now = Date.now();
      if (now - last >= 50) { last = now; task.port?.postMessage(p); }
    }
    : undefined;
  try {
    return task.spec.kind === 'map'
      ? await runMapTask(job, task.spec, task.env, onProgress)
      : await runReduceTask(job, task.spec, task.env, onProgress);
  } catch (err) {
    const e = await explainLineLimit(err, task.env, task.spec);
    if (isDeterministic(e)) return { deterministicFailure: e instanceof Error ? e.message : String(e) };
    throw e;
  } finally {
    task.port?.close();
  }
}
