import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  freeLoopbackPort, parseTorchrunReport, torchrunArgs, torchrunCause, type TorchrunFailure,
} from '../../../../src/engine/torch/torchrun';
import { torchPython } from '../../../support/torch';

// torchrun's report of failed ranks, as torch's own torchrun writes it: each test starts a real
// two-rank job with the launcher's argument list, in which a stand-in `cnn_explorer_torch` makes
// rank 1 fail in one way, and reads what torchrun printed on stderr.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-torchrun-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const pkg = path.join(dir, 'cnn_explorer_torch');
fs.mkdirSync(pkg);
fs.writeFileSync(path.join(pkg, '__init__.py'), '');
// The "spec path" names how rank 1 ends; rank 0 waits until torchrun ends it, or exits 3 (lost its peers).
fs.writeFileSync(path.join(pkg, '__main__.py'), `import json, os, signal, sys, time
from torch.distributed.elastic.multiprocessing.errors import record
mode = sys.argv[1]
rank = int(os.environ['RANK'])
print(json.dumps({'rank': rank, 'pid': os.getpid()}), flush=True)
print(f'rank {rank} says hello on stderr', file=sys.stderr, flush=True)

@record
def main():
    if rank == 0:
        if mode == 'error-file':
            import torch.distributed as dist
            dist.init_process_group('gloo')
            try:
                dist.barrier()
                dist.barrier()
            except RuntimeError:
                sys.exit(3)
        time.sleep(60)
        return
    if mode == 'sigkill':
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == 'raise':
        raise RuntimeError('model-invalid: shapes do not match')
    if mode == 'error-file':
        import torch.distributed as dist
        dist.init_process_group('gloo')
        dist.barrier()
        with open(os.environ['TORCHELASTIC_ERROR_FILE'], 'w') as f:
            json.dump({'message': 'out-of-memory: out of memory on cpu', 'timestamp': int(time.time())}, f)
        sys.exit(1)

main()
`);

interface Job { code: number | null; stderr: string; pids: Map<number, number> }

async function torchrun(python: string, mode: string): Promise<Job> {
  const args = torchrunArgs({ nprocPerNode: 2, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', masterPort: await freeLoopbackPort(), syncBatchNorm: false }, mode);
  const env = { ...process.env, PYTHONPATH: dir, OMP_NUM_THREADS: '1' };
  return new Promise((resolve) => {
    const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => {
      const pids = new Map(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { rank: number; pid: number }).map((r) => [r.rank, r.pid]));
      resolve({ code, stderr, pids });
    });
  });
}

test('the launcher\'s torchrun arguments: underscore spellings, one attempt, stderr labelled per rank', () => {
  assert.deepEqual(
    torchrunArgs({ nprocPerNode: 4, nnodes: 2, nodeRank: 1, masterAddr: '10.0.0.1', masterPort: 29500, syncBatchNorm: true }, '/runs/r/spec.json'),
    ['-m', 'torch.distributed.run', '--nproc_per_node', '4', '--nnodes', '2', '--node_rank', '1', '--master_addr', '10.0.0.1', '--master_port', '29500',
      '--max_restarts', '0', '--monitor_interval', '1', '--redirects', '2', '--tee', '2', '-m', 'cnn_explorer_torch', '/runs/r/spec.json'],
  );
});

test('a rank killed by SIGKILL: the report names it, its pid and the signal', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const job = await torchrun(torch.python, 'sigkill');
  assert.notEqual(job.code, 0);
  assert.match(job.stderr, /^\[default1\]:rank 1 says hello on stderr$/m, 'each rank\'s stderr comes through torchrun, labelled');
  const failures = parseTorchrunReport(job.stderr);
  assert.deepEqual(failures, [{ rank: 1, localRank: 1, exitcode: -9, pid: job.pids.get(1), message: null }]);
  assert.deepEqual(torchrunCause(failures!, 2), { code: 'internal', message: `rank 1 of 2 (pid ${job.pids.get(1)}) died: Signal 9 (SIGKILL)` });
});

test('a rank that writes its error file: its message and code are the cause', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const job = await torchrun(torch.python, 'error-file');
  assert.notEqual(job.code, 0);
  const failures = parseTorchrunReport(job.stderr)!;
  const rank1 = failures.find((f) => f.rank === 1);
  assert.deepEqual(rank1, { rank: 1, localRank: 1, exitcode: 1, pid: job.pids.get(1), message: 'out-of-memory: out of memory on cpu' });
  // Rank 0 lost its peer: it is in the report when torchrun saw it exit (3), never the cause.
  for (const f of failures.filter((x) => x.rank === 0)) assert.ok(f.exitcode === 3 || f.exitcode < 0, `rank 0 exit ${f.exitcode}`);
  assert.deepEqual(torchrunCause(failures, 2), { code: 'out-of-memory', message: 'rank 1 of 2 failed: out of memory on cpu' });
});

test('a rank that raises under @record: the exception\'s line is its message', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  const job = await torchrun(torch.python, 'raise');
  const failures = parseTorchrunReport(job.stderr)!;
  assert.deepEqual(failures.find((f) => f.rank === 1)?.message, 'RuntimeError: model-invalid: shapes do not match');
  assert.deepEqual(torchrunCause(failures, 2), { code: 'internal', message: 'rank 1 of 2 failed: RuntimeError: model-invalid: shapes do not match' });
});

test('no ChildFailedError block: no report', () => {
  assert.equal(parseTorchrunReport('WARNING:__main__:\nTraceback (most recent call last):\nKeyboardInterrupt\n'), null);
});

test('the cause: the first rank that did not only lose its peers, else the first', () => {
  const lost: TorchrunFailure = { rank: 0, localRank: 0, exitcode: 3, pid: 10, message: null };
  const oom: TorchrunFailure = { rank: 2, localRank: 0, exitcode: 1, pid: 12, message: 'out-of-memory: out of memory on cuda:0' };
  assert.deepEqual(torchrunCause([lost, oom], 4), { code: 'out-of-memory', message: 'rank 2 of 4 failed: out of memory on cuda:0' });
  assert.deepEqual(torchrunCause([lost], 4), { code: 'internal', message: 'rank 0 of 4 (pid 10) lost its peers' });
  assert.deepEqual(torchrunCause([{ ...oom, message: null }], 4), { code: 'internal', message: 'rank 2 of 4 (pid 12) exited with code 1' });
  assert.equal(torchrunCause([], 4), null);
});
