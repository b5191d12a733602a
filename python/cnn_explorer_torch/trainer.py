"""One run, start to end, as src/engine/trainer/run.ts runs it for the tfjs engine: hello, the
device, the data, the model, initFrom, the loop, done; run.json kept current at each step and
every message also appended to metrics.jsonl. Process concerns (signals, stdin, exit codes)
are __main__'s. torch is imported after `hello`, so the starter hears from the trainer at once
and a Python without a working torch is a `backend-unavailable` failure, not a silent exit.

DDP (TrainerIO.placement set, docs/distributed.md "Each rank"): every rank runs this function.
Rank 0 alone sends messages and writes the run folder; the other ranks do the same work
silently. After torch is imported the ranks form their process group, gather where each runs
(run.json `distributed`, written before training), build the model from the same seed (DDP
broadcasts rank 0's weights anyway) and then draw their own random numbers: dropout's from the
seed and the rank, augmentation's likewise, rank 0 keeping one process's. A rank's own failure
also goes to torchrun's error file; a collective that failed because a peer went away raises
distributed.PeerLost out of here, with nothing reported: the launcher ends the run."""
import os
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Callable, Optional

from . import distributed, jsonfmt
from .errors import TrainerError, error_code, is_out_of_memory, memory_figures, one_line
from .runfiles import JsonlWriter, run_result, update_run, update_run_or_keep

PROTOCOL_VERSION = 1


@dataclass
class TrainerIO:
    send: Callable[[str], None]  # one encoded message line, for stdout
    should_stop: Callable[[], bool]
    placement: Optional[distributed.Placement] = None  # a DDP rank's place, or None for one process


def run_trainer(spec: dict, io: TrainerIO) -> dict:
    started = time.time()
    run_dir = spec['runDir']
    where = io.placement
    writes = where is None or where.writes
    metrics = JsonlWriter(os.path.join(run_dir, 'metrics.jsonl')) if writes else None
    # A metrics.jsonl that cannot be written (a full disk) ends the run with that error; the
    # messages after it still reach the starter, and the file keeps its whole lines.
    metrics_failed = False

    def log(text: str) -> None:
        nonlocal metrics_failed
        if metrics_failed or not writes:
            return
        try:
            metrics.append_line(text)
        except Exception:
            metrics_failed = True
            raise

    def update(change) -> None:
        if writes:
            update_run(run_dir, change)

    def record(msg: dict) -> None:
        if not writes:
            return
        text = jsonfmt.line(msg)
        log(text)
        io.send(text)

    def status(phase: str, message: str) -> None:
        record({'type': 'status', 'phase': phase, 'message': message, 'time': jsonfmt.now_ms()})

    def on_iteration(it: dict, send: bool) -> None:
        if not writes:
            return
        text = jsonfmt.line(it)
        log(text)
        if send:
            io.send(text)

    def on_epoch(ep: dict) -> None:
        record(ep)

        def change(r):
            r['epochsCompleted'] = ep['epoch']
            if ep['best']:
                r['bestEpoch'] = ep['epoch']
                r['best'] = ep
        update(change)

    update(lambda r: r.update(pid=os.getpid(), status='running'))
    record({'type': 'hello', 'protocol': PROTOCOL_VERSION, 'runId': spec['runId'], 'pid': os.getpid(), 'time': jsonfmt.now_ms()})

    loop = None
    group = None
    device_name = 'the device'
    try:
        torch_spec = spec.get('torch')
        if not isinstance(torch_spec, dict):
            raise TrainerError('internal', 'spec.json has no torch section (docs/torch-engine.md)')
        try:
            import torch
        except Exception as err:
            raise TrainerError('backend-unavailable', f'{sys.executable}: PyTorch cannot be imported ({one_line(err)})') from err
        from .augment import Random
        from .batches import Batcher, to_device
        from .checkpoints import copy_matching_weights
        from .dataset import load_prepared
        from .device import describe_device, device_label, rank_device_label, select_device, select_rank_device
        from .loop import Hooks, Inputs, train_loop
        from .model import build_model, check_against_data, check_output, frozen_layers, output_kind

        config, ir = spec['config'], spec['model']['ir']
        if where is None:
            device = select_device(torch_spec.get('device', 'auto'), torch_spec.get('threads'))
            detail = describe_device(device)
        else:
            device = select_rank_device(torch_spec.get('device', 'auto'), where.local_rank, where.nproc_per_node, torch_spec.get('threads'))
            if where.sync_batchnorm and device.type != 'cuda':
                raise TrainerError('config-invalid', f'--sync-batchnorm needs CUDA: PyTorch {torch.__version__} has no SyncBatchNorm on the {device.type}')
            group = distributed.Group(where, device)
            detail = distributed.describe(group, config['batchSize'])
            ranks = group.gather_ranks(rank_device_label(device))
            update(lambda r: r.update(distributed=distributed.record(group, config['batchSize'], ranks)))
        # A rank names its own GPU in messages (out of memory on cuda:3 …).
        device_name = device_label(device) if where is None else rank_device_label(device)
        if device.type == 'cuda':
            # The same shapes every step: let cuDNN pick its fastest kernels once.
            torch.backends.cudnn.benchmark = True
        reason = torch_spec.get('reason') or 'requested'
        backend = {'name': 'torch', 'reason': reason, 'detail': detail}
        update(lambda r: r.update(backend=backend))
        record({'type': 'backend', 'backend': 'torch', 'reason': reason, 'detail': detail,
                'message': f'backend torch ({detail}): {reason}', 'time': jsonfmt.now_ms()})

        dataset = config['dataset']
        status('data', f"loading {dataset if isinstance(dataset, str) else dataset['folder']}")
        data = load_prepared(torch_spec['data'])
        if data.mean is None and isinstance(config.get('normalize'), dict):
            # The metadata should carry it (docs/torch-engine.md); the training block says it too.
            data.mean, data.std = list(config['normalize']['mean']), list(config['normalize']['std'])
            data.record['normalization'] = {'mean': data.mean, 'std': data.std}
        check_against_data(config, ir, data.image_shape)
        update(lambda r: r.update(dataset=data.record))
        rec = data.record
        status('data', data.description or f"{rec.get('id', 'dataset')}: {rec['trainCount']} training, {rec['validationCount']} validation, {rec['testCount']} test images")

        torch.manual_seed(config['seed'])
        model = build_model(torch_spec['module'], ir).to(device)
        if where is not None:
            if len(ir['inputShape']) == 3:
                # The batches are channels-last in memory (batches.py), so are the convolutions'
                # gradients: weights laid out alike let DDP's buckets take them without a copy.
                model = model.to(memory_format=torch.channels_last)
            if where.sync_batchnorm:
                # Before anything holds the model's modules (freeze): the conversion replaces them.
                model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)
            if where.rank > 0:
                torch.manual_seed(distributed.rank_seed(config['seed'], where.rank))  # dropout's draws, the rank's own
        try:
            train, val, test = (to_device(s, device) for s in (data.train, data.val, data.test))
        except RuntimeError as err:
            if not is_out_of_memory(err):
                raise
            size = sum(s.images.numel() for s in (data.train, data.val, data.test) if s is not None) / (1 << 30)
            raise TrainerError('out-of-memory', f'out of memory on {device_name}: the dataset ({size:.2f} GiB) does not fit ({memory_figures(err)})') from err
        # The host's copy of a dataset now on a GPU is not read again: its memory goes back.
        data.train = data.val = data.test = None
        batcher = Batcher(data, ir['inputShape'], device, config.get('augment'), Random(distributed.rank_seed(config['seed'] + 1, where.rank if where else 0), device))
        sample = test if test.count else train
        check_output(model, batcher.batch(sample, torch.arange(min(2, sample.count), device=device), train=False), len(data.classes), ir)

        if config.get('initFrom'):
            path = torch_spec.get('initFrom')
            if not path:
                raise TrainerError('internal', 'spec.json: config.initFrom is set but torch.initFrom is null')
            copied, skipped = copy_matching_weights(model, path, config['initFrom'])
            update(lambda r: r.update(initFrom={'runId': config['initFrom'], 'copied': len(copied), 'skipped': len(skipped)}))
            why = f" ({'; '.join(f'{key}: {kept}' for key, kept in skipped)})" if skipped else ''
            status('init', f"initFrom {config['initFrom']}: copied {len(copied)} weights, kept {len(skipped)} as initialised{why}")

        frozen_paths, frozen_modules = ([], [])
        if config.get('freeze'):
            frozen_paths, frozen_modules = frozen_layers(ir, torch_spec.get('moduleNames') or {}, model, config['freeze'])

        shuffle = torch.Generator()
        shuffle.manual_seed(config['seed'])
        loop = train_loop(Inputs(
            model=model, model_name=ir.get('name', ''), config=config, classes=len(data.classes), kind=output_kind(ir), train=train, val=val, test=test,
            batcher=batcher, shuffle=shuffle, checkpoints_dir=os.path.join(run_dir, 'checkpoints'),
            frozen_paths=frozen_paths, frozen_modules=frozen_modules, device_name=device_name,
            hooks=Hooks(should_stop=io.should_stop, on_status=status, on_iteration=on_iteration, on_epoch=on_epoch),
            group=group,
        ))
        result = _finish(spec, started, loop, None, writes)
        record({'type': 'done', 'result': result, 'time': jsonfmt.now_ms()})
        if group is not None:
            group.finish()
        return result
    except Exception as err:
        if where is not None and distributed.is_peer_lost(err):
            raise distributed.PeerLost(one_line(err)) from err
        code = error_code(err)
        if isinstance(err, TrainerError):
            message, location = err.message, err.location
        elif is_out_of_memory(err):
            message, location = f'out of memory on {device_name}: {memory_figures(err)}', None
        else:
            message, location = one_line(err), None
        record({'type': 'error', 'code': code, 'message': message, 'location': location, 'time': jsonfmt.now_ms()})
        # The stack goes to stderr, which is the run's trainer.log: the user is shown the message.
        sys.stderr.write(f'{code}: {"".join(traceback.format_exception(type(err), err, err.__traceback__))}\n')
        sys.stderr.flush()
        text = f"{location['file']}:{location['line']}:{location['column']}: {message}" if location else message
        if where is not None:
            distributed.write_error_file(code, text)
        result = _finish(spec, started, loop, {'code': code, 'text': text}, writes)
        record({'type': 'done', 'result': result, 'time': jsonfmt.now_ms()})
        return result
    finally:
        if metrics is not None:
            metrics.close()


def _finish(spec: dict, started: float, loop, error, writes: bool = True) -> dict:
    """Records how the run ended in run.json, and returns the result as the record now says
    (a DDP rank other than 0 writes nothing: its result is only its status)."""
    status = 'failed' if error else (loop or {}).get('status', 'completed')
    if not writes:
        return {'status': status, 'error': error['text'] if error else None, 'errorCode': error['code'] if error else None}
    wall_seconds = time.time() - started

    def change(r):
        r['status'] = status
        r['error'] = error['text'] if error else None
        r['errorCode'] = error['code'] if error else None
        r['endedAt'] = jsonfmt.iso_now()
        r['wallSeconds'] = wall_seconds
        if loop:
            best = loop['best']
            r['epochsCompleted'] = loop['epochsCompleted']
            r['monitor'] = loop['monitor']
            r['bestEpoch'] = best['epoch'] if best else None
            r['best'] = best
            r['trainImagesPerSecond'] = loop['trainImagesPerSecond']
            r['endedEarly'] = loop['endedEarly']
    record = update_run_or_keep(spec['runDir'], change)
    return run_result(record, spec['runId'], spec['runDir'])
