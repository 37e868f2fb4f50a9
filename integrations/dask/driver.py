#!/usr/bin/env python3
"""mrpipe's Dask driver, spawned by `mrpipe submit --engine dask`. It needs only `distributed`.

It holds no job logic: mrpipe plans the splits and names the part files, and every task is one mrpipe
process on a worker:
  map task i      `mrpipe map JOB FILE --partitions R --run-dir D ...`: the runtime's map side on split i;
                  its runs (already partitioned by mrpipe's FNV-1a, sorted) come back as bytes, the task's
                  temp dir is removed.
  reduce task r   partition r's runs of every map task, moved between workers by Dask, written to a temp
                  dir in map-task order, then `mrpipe reduce JOB --runs ... -o PART` writes the part file
                  (temp name, renamed) on the shared file system.
Protocol: the plan is one JSON object on stdin; JSON lines on stdout: {"event": ...} while it runs, then
{"ok": true, "counters": [...]} or {"ok": false, "error": "..."}. Exit 0 ok, 1 the job failed, 3 no
`distributed` here.
"""
import json
import os
import sys
import uuid

TASK_DIR_PREFIX = 'mrpipe-dask-'


def _task_dir_name():
    import socket
    host = socket.gethostname().replace('-', '_')
    return '%s%s-%d-' % (TASK_DIR_PREFIX, host, os.getpid())


def sweep_task_dirs():
    """Removes task dirs left by dead worker processes of this host (a worker killed mid-task cannot clean
    up; its mrpipe children die with it, by PR_SET_PDEATHSIG). Dirs are named prefix-HOST-PID-random."""
    import shutil
    import socket
    import tempfile
    host = socket.gethostname().replace('-', '_')
    root = tempfile.gettempdir()
    removed = 0
    try:
        names = os.listdir(root)
    except OSError:
        return 0
    for name in names:
        if not name.startswith(TASK_DIR_PREFIX):
            continue
        parts = name[len(TASK_DIR_PREFIX):].split('-')
        if len(parts) < 3 or parts[0] != host or not parts[1].isdigit():
            continue
        pid = int(parts[1])
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # alive
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)
        removed += 1
    return removed


def _die_with_parent():
    # PR_SET_PDEATHSIG = 1: the mrpipe child gets SIGKILL when this worker dies.
    import ctypes
    import signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _run_mrpipe(ctx, args, tmp):
    """Runs one mrpipe task process; returns its JSON result. A failure raises with mrpipe's own message."""
    import subprocess
    env = dict(os.environ)
    env.update(ctx.get('env', {}))
    env['TMPDIR'] = tmp  # whatever the task creates in the temp dir goes inside the swept task dir
    env['MRPIPE_NO_PROGRESS'] = '1'
    p = subprocess.run(ctx['command'] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, preexec_fn=_die_with_parent)
    if p.returncode != 0:
        msg = p.stderr.decode('utf-8', 'replace').strip()
        for prefix in ('mrpipe map: ', 'mrpipe reduce: '):
            if msg.startswith(prefix):
                msg = msg[len(prefix):]
        if p.returncode < 0:
            msg = 'mrpipe was killed by signal %d%s' % (-p.returncode, (': ' + msg) if msg else '')
        raise RuntimeError(msg or 'mrpipe exited with status %d' % p.returncode)
    return json.loads(p.stdout.decode('utf-8').strip().splitlines()[-1])


def map_task(ctx, i, split):
    import shutil
    import tempfile
    sweep_task_dirs()
    d = tempfile.mkdtemp(prefix=_task_dir_name())
    try:
        runs_dir = os.path.join(d, 'runs')
        os.mkdir(runs_dir)
        args = ['map'] + ctx['job'] + [split['path'], '--partitions', str(ctx['reducers']), '--run-dir', runs_dir,
                                       '--start', str(split['start']), '--end', str(split['end']),
                                       '--task-id', 'map-%d' % i] + ctx['taskFlags']
        manifest = _run_mrpipe(ctx, args, d)
        runs = []
        for names in manifest['runs']:
            part = []
            for name in names:
                with open(os.path.join(runs_dir, name), 'rb') as f:
                    part.append(f.read())
            runs.append(part)
        return {'runs': runs, 'counters': manifest['counters']}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def runs_of(mapped, r):
    return mapped['runs'][r]


def counters_of(mapped):
    return mapped['counters']


def reduce_task(ctx, r, runs_by_map):
    import shutil
    import tempfile
    sweep_task_dirs()
    d = tempfile.mkdtemp(prefix=_task_dir_name())
    try:
        paths = []
        for i, runs in enumerate(runs_by_map):
            for j, data in enumerate(runs):
                p = os.path.join(d, 'm%d-s%d.run' % (i, j))
                with open(p, 'wb') as f:
                    f.write(data)
                paths.append(p)
        args = ['reduce'] + ctx['job'] + ['--runs', '-o', ctx['parts'][r], '--task-id', 'reduce-%d' % r] \
            + ctx['taskFlags'] + ['--'] + paths
        return _run_mrpipe(ctx, args, d)['counters']
    finally:
        shutil.rmtree(d, ignore_errors=True)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def describe(err, key):
    from distributed import KilledWorker
    if isinstance(err, KilledWorker):
        return 'task %s was lost with its worker too many times (a worker died or ran out of memory while ' \
               'running it); see the workers\' logs' % key
    return str(err) or type(err).__name__


def run(plan):
    from distributed import Client, as_completed
    try:
        if plan.get('schedulerFile'):
            client = Client(scheduler_file=plan['schedulerFile'], timeout=plan['connectTimeout'])
        else:
            client = Client(plan['scheduler'], timeout=plan['connectTimeout'])
    except Exception as err:  # OSError, TimeoutError, ValueError for a bad address
        where = plan.get('schedulerFile') or plan.get('scheduler')
        return {'ok': False, 'error': 'cannot reach the Dask scheduler at %s: %s' % (where, err or type(err).__name__)}
    job_id = uuid.uuid4().hex[:12]
    ctx = {k: plan[k] for k in ('command', 'job', 'reducers', 'parts', 'taskFlags', 'env')}
    retries = max(0, plan['maxAttempts'] - 1)
    R = plan['reducers']
    futures = []
    try:
        maps = [client.submit(map_task, ctx, i, s, key='mrpipe-%s-map-%d' % (job_id, i), retries=retries, pure=False)
                for i, s in enumerate(plan['splits'])]
        counters = [client.submit(counters_of, m, key='mrpipe-%s-counters-%d' % (job_id, i), pure=False)
                    for i, m in enumerate(maps)]
        reduces = []
        for r in range(R):
            runs = [client.submit(runs_of, m, r, key='mrpipe-%s-runs-%d-%d' % (job_id, i, r), pure=False)
                    for i, m in enumerate(maps)]
            futures += runs
            reduces.append(client.submit(reduce_task, ctx, r, runs, key='mrpipe-%s-reduce-%d' % (job_id, r),
                                         retries=retries, pure=False))
        futures += maps + counters + reduces
        names = {f.key: 'map-%d' % i for i, f in enumerate(counters)}
        names.update({f.key: 'reduce-%d' % r for r, f in enumerate(reduces)})
        results = {}
        for f in as_completed(counters + reduces):
            task = names[f.key]
            if f.status != 'finished':
                # A reduce fails with the map task it waited for: name that map task when it is known.
                failed = [i for i, m in enumerate(maps) if m.status == 'error']
                if failed:
                    task = 'map-%d' % failed[0]
                return {'ok': False, 'error': describe(f.exception(), task), 'task': task}
            results[f.key] = f.result()
            emit({'event': 'done', 'task': task})
        return {'ok': True, 'counters': [results[f.key] for f in counters + reduces],
                'workers': len(client.scheduler_info().get('workers', {}))}
    finally:
        try:
            client.cancel(futures)
            client.run(sweep_task_dirs)
        except Exception:
            pass
        client.close()


def main():
    import signal
    # Stopped by mrpipe (SIGTERM, SIGINT): unwind through run()'s finally, which cancels the job's tasks.
    def stop(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    plan = json.load(sys.stdin)
    try:
        import distributed  # noqa: F401
    except ImportError:
        emit({'ok': False, 'missing': True, 'error': 'the Python module distributed is not installed for %s' % sys.executable})
        return 3
    result = run(plan)
    emit(result)
    return 0 if result['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
