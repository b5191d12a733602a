// The two files of a training job that people read and edit (docs/export.md): train.py, with the
// model file's training block as a Python literal at its top, and README.md, which says how to
// run the job on one machine, under torchrun and under SLURM, and how to bring its run back.
import type { ResolvedTraining } from '../../../runs/types';

/** A JSON value as a Python literal (dicts and lists across lines, four spaces a level). */
function pythonLiteral(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent + 4);
  const close = ' '.repeat(indent);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a Python literal`);
    return String(value);
  }
  // A JSON string is a Python string: the escapes JSON.stringify writes mean the same there.
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => pythonLiteral(v)).join(', ')}]`;
    return `[\n${value.map((v) => `${pad}${pythonLiteral(v, indent + 4)},\n`).join('')}${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)},\n`).join('')}${close}}`;
}

export interface JobDescription {
  modelName: string;
  /** The model file's name, for the header. */
  sourceName: string;
  /** The prepared dataset's status line (`mnist: 500 training, 0 validation, 100 test images from …`). */
  dataset: string;
}

export function trainPy(job: JobDescription, config: ResolvedTraining): string {
  return `"""Trains ${job.modelName} with PyTorch: a training job exported by CNN Explorer from ${job.sourceName}.

    python train.py                                  # one process (CUDA, MPS or the CPU)
    torchrun --nproc_per_node 4 train.py             # DDP on 4 GPUs (or CPU processes)

Each run writes runs/<run id>/ (run.json, metrics.jsonl, checkpoints/), which
\`cnn-explorer runs import <this folder>\` brings back to compare in the editor. README.md says more.

The data is data.safetensors, prepared at export:
    ${job.dataset}
The keys dataset, validationSplit, permutePixels and normalize below are fixed by it (export again
to change them). The rest may be edited here: epochs, batchSize, optimizer, schedule, augment, seed...
"""
import os
import sys

TRAINING = ${pythonLiteral(config)}

if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    # CNN Explorer's torch engine, copied here: the same trainer that trains this model in the editor.
    from cnn_explorer_torch.job import run_job
    run_job(here, TRAINING, sys.argv[1:])
`;
}

export function jobReadme(job: JobDescription): string {
  return `# Training job: ${job.modelName}

Exported by CNN Explorer from \`${job.sourceName}\` (\`cnn-explorer export --format pytorch --with-training\`).
It needs Python 3.8 or newer with PyTorch 1.13 or newer, and nothing else: no Node, no CNN Explorer.

| file | what it is |
| --- | --- |
| \`train.py\` | the job: the training configuration at its top (\`TRAINING\`, editable), then a call to the trainer |
| \`model.py\` | the model as a PyTorch module (\`build_model()\`) |
| \`data.safetensors\` | the dataset, prepared at export: ${job.dataset} |
| \`cnn_explorer_torch/\` | CNN Explorer's torch engine: the trainer the editor runs |
| \`job.json\` | what the trainer needs besides (the model's description, the run record's template) |
| \`runs/\` | one folder per run, written by the jobs |

## Run it

\`\`\`sh
python train.py
\`\`\`

It trains on CUDA when there is a GPU, else on Apple's MPS or the CPU, and writes
\`runs/<run id>/\`: \`run.json\`, \`metrics.jsonl\` and \`checkpoints/\` (best and last). On stdout
it prints the trainer's messages, one JSON object a line (the lines \`metrics.jsonl\` keeps). Ctrl-C
(or SIGTERM) stops it after the current step, saving \`checkpoints/last\`.

### On several GPUs or processes: torchrun

\`\`\`sh
torchrun --nproc_per_node 4 train.py                      # one machine, 4 GPUs (or 4 CPU processes)
\`\`\`

On several machines, each runs the same command with its own \`--node_rank\`; node 0's address
must be reachable from every node:

\`\`\`sh
torchrun --nnodes 2 --nproc_per_node 4 --node_rank 0 --master_addr node0.example --master_port 29500 train.py
torchrun --nnodes 2 --nproc_per_node 4 --node_rank 1 --master_addr node0.example --master_port 29500 train.py
\`\`\`

The training block's \`batchSize\` is the global batch, split over the ranks; only rank 0 (on
node 0) writes the run folder and prints. Add \`--sync-batchnorm\` after \`train.py\` for BatchNorm
statistics over the global batch (CUDA only). With torch 1.13 on Python 3.11, torchrun needs
\`--redirects 2 --tee 2\` (newer torch does not): \`torchrun --redirects 2 --tee 2 --nproc_per_node 4 train.py\`.

### Under SLURM

\`\`\`sh
#!/bin/bash
#SBATCH --job-name=${job.modelName.replace(/[^\w.-]+/g, '-')}
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=4
#SBATCH --time=01:00:00

cd "$SLURM_SUBMIT_DIR"
MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
srun bash -c "torchrun --nnodes $SLURM_NNODES --nproc_per_node 4 --node_rank \\$SLURM_NODEID \\
  --master_addr $MASTER_ADDR --master_port 29500 train.py"
\`\`\`

One task per node starts torchrun there; \`srun\` gives each its \`SLURM_NODEID\`. The job folder
must be on a file system node 0 writes to and you can read back (the run is under \`runs/\`).

## Bring the run back

\`\`\`sh
cnn-explorer runs import path/to/this/folder           # every run under runs/
\`\`\`

copies each run into CNN Explorer's runs folder (\`.cnn-runs/\`, or \`--runs-dir DIR\`), where
\`runs list\`, \`runs show\`, \`runs compare\`, \`evaluate\` and the editor's compare view read it like
a run trained there.
`;
}
