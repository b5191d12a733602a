"""The training loop, epoch by epoch as src/engine/training/loop.ts runs it for the tfjs engine:
freezing, the learning rate of the epoch, the steps, evaluation, the best and last checkpoints,
the plateau schedule and early stopping, and a stop request seen between two steps.

DDP (Inputs.group set, docs/distributed.md): every rank runs this loop over the same global
batches (the same seeded order) and takes its part of each (distributed.Group.shard). The model
is trained through DistributedDataParallel, wrapped again whenever the optimizer is made again
(DDP registers the weights that need gradients when it wraps). Each rank's loss is its images'
summed loss × world ÷ the global batch's count, so DDP's average of the ranks' gradients is the
global batch's mean gradient. Each step's loss sum, correct count and the ranks' stop flags are
summed over ranks in one allreduce, so every rank's records are one process's; the flag is read
every distributed.STOP_AGREE_STEPS steps and a stop is agreed again before each evaluation, so
all ranks leave after the same step. Evaluation runs on the unwrapped module, after rank 0's
BatchNorm statistics are broadcast (its checkpoint's). Only rank 0 saves checkpoints, and only
rank 0 fails the run on a non-finite loss (every rank sees the same one; the others then lose
their peer), so the failure is reported once, in the protocol."""
import math
import os
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import torch

from . import jsonfmt
from .batches import Batcher, DeviceSplit
from .checkpoints import save_checkpoint
from .distributed import STOP_AGREE_STEPS, per_rank_batch
from .errors import TrainerError, is_out_of_memory, out_of_memory
from .evaluate import evaluate_split
from .loss import cross_entropy
from .model import set_frozen
from .optim import make_optimizer, set_learning_rate
from .schedule import LrSchedule

# Per-step loss and accuracy stay on the device and are read in one transfer at most this often
# (and at the end of an epoch, and at a stop). A read waits for the device to finish every step
# queued before it, so reading each step's loss at once (`.item()`) would stop the host from
# queueing the next step while the device works: on a GPU the device would idle between steps.
# Read in bursts, metrics.jsonl still gets every step, at most this late; stdout gets the last
# step of each burst, which is the protocol's rate for it (one iteration message per 250 ms).
READ_INTERVAL_S = 0.25


@dataclass
class Hooks:
    should_stop: Callable[[], bool]
    on_status: Callable[[str, str], None]
    # (record, send): every step's record; `send` marks those stdout gets too.
    on_iteration: Callable[[dict, bool], None]
    on_epoch: Callable[[dict], None]


@dataclass
class Inputs:
    model: torch.nn.Module
    model_name: str  # the IR's, in the checkpoints' metadata
    config: dict
    classes: int
    kind: str  # model.output_kind
    train: DeviceSplit
    val: Optional[DeviceSplit]
    test: DeviceSplit
    batcher: Batcher
    shuffle: torch.Generator  # on the CPU: the epoch's order, drawn there and uploaded once
    checkpoints_dir: str
    frozen_paths: list
    frozen_modules: list
    device_name: str  # for out-of-memory messages
    hooks: Hooks
    group: object = None  # distributed.Group of a DDP run, else None


@dataclass
class _Pending:
    """Steps run but whose loss and accuracy are still on the device."""
    steps: list = field(default_factory=list)  # (step, iteration, count, time)
    losses: list = field(default_factory=list)
    correct: list = field(default_factory=list)


def monitor_of(config: dict, has_validation: bool):
    """The metric that picks the best epoch and drives early stopping: (name, value of a record, higher is better)."""
    split = 'val' if has_validation else 'test'
    metric = 'loss' if (config.get('earlyStopping') or {}).get('monitor') == 'val_loss' else 'accuracy'
    return f'{split}_{metric}', lambda r: r[split][metric], metric == 'accuracy'


def train_loop(inp: Inputs) -> dict:
    config, hooks, model = inp.config, inp.hooks, inp.model
    epochs, batch_size = config['epochs'], config['batchSize']
    freeze = config.get('freeze')
    schedule = LrSchedule(config.get('schedule'), epochs)
    monitor, monitor_value, higher_is_better = monitor_of(config, inp.val is not None)
    count = inp.train.count
    steps = math.ceil(count / batch_size)
    device = inp.train.labels.device

    best = last = None
    best_value = math.nan
    since_best = 0
    iteration = 0
    train_seconds = 0.0
    train_images = 0
    ended_early = None
    epochs_completed = 0
    optimizer = None
    trained = None  # the parameters the optimizer was made for
    group = inp.group
    writes = group is None or group.rank == 0
    trainable = model  # what the steps call: the model, or its DDP wrapper

    def checkpoint(which: str, meta: dict) -> None:
        if writes:  # the unwrapped module's state: no DDP 'module.' prefix in the keys
            save_checkpoint(model, os.path.join(inp.checkpoints_dir, which), meta, inp.model_name)

    try:
        for e in range(epochs):
            if ended_early:
                break
            in_freeze = bool(freeze) and e < freeze['epochs']
            frozen = inp.frozen_paths if in_freeze else []
            set_frozen(model, inp.frozen_modules if in_freeze else [])
            after = freeze and e >= freeze['epochs'] and freeze.get('lrAfter') is not None
            lr = schedule.lr_at(e, freeze['lrAfter'] if after else config['optimizer']['lr'])
            params = [p for p in model.parameters() if p.requires_grad]
            # A new set of trainable weights (freezing ends) gets a fresh optimizer, as on tfjs.
            if trained is None or [id(p) for p in params] != trained:
                optimizer = make_optimizer(config['optimizer'], params) if params else None
                trained = [id(p) for p in params]
                if group is not None:
                    trainable = group.wrap(model) if params else model
            if optimizer is not None:
                set_learning_rate(optimizer, lr)
            hooks.on_status('training', f"epoch {e + 1}/{epochs}{f' ({len(frozen)} layers frozen)' if frozen else ''}, lr {jsonfmt.learning_rate(lr)}")

            loss_sum = correct_sum = 0.0
            seen = step = 0
            pending = _Pending()
            last_read = time.perf_counter()

            def read(send: bool) -> None:
                """Reads the pending steps' values (one transfer) and reports each step; the last
                one also goes to stdout when `send` (its time has come, or the epoch ends)."""
                nonlocal loss_sum, correct_sum, last_read
                last_read = time.perf_counter()
                if not pending.steps:
                    return
                values = torch.stack([torch.stack(pending.losses).float(), torch.stack(pending.correct).float()]).tolist()
                done = list(zip(pending.steps, values[0], values[1]))
                pending.steps.clear()
                pending.losses.clear()
                pending.correct.clear()
                for k, ((s, it, n, t), loss, correct) in enumerate(done):
                    if not math.isfinite(loss) and writes:
                        # A diverging loss is the training block's to fix, not a fault of ours.
                        raise TrainerError('config-invalid', f"the loss became {jsonfmt.js_number(loss)} at epoch {e + 1}, step {s}: lower the learning rate (optimizer.lr is {jsonfmt.js_number(lr)})")
                    loss_sum += loss * n
                    correct_sum += correct
                    record = {'type': 'iteration', 'epoch': e + 1, 'step': s, 'steps': steps, 'iteration': it,
                              'loss': loss, 'accuracy': correct / n, 'lr': lr, 'time': t}
                    hooks.on_iteration(record, send and k == len(done) - 1)

            trainable.train()
            epoch_start = time.perf_counter()
            order = torch.randperm(count, generator=inp.shuffle).to(device)
            try:
                for start in range(0, count, batch_size):
                    index = order[start:start + batch_size]
                    n = int(index.shape[0])
                    part = index if group is None else group.shard(index)
                    x = inp.batcher.batch(inp.train, part, train=True)
                    y = inp.train.labels[part]
                    # One process: the batch's mean loss. DDP: the part's summed loss, scaled so
                    # that the ranks' averaged gradient is the global batch's mean gradient.
                    reduction = 'mean' if group is None else 'sum'
                    if optimizer is not None:
                        out = trainable(x)
                        loss = cross_entropy(out, y, inp.kind, reduction=reduction)
                        optimizer.zero_grad(set_to_none=True)
                        (loss if group is None else loss * (group.world / n)).backward()
                        optimizer.step()
                    else:  # every weight frozen: nothing learns, the epoch still measures
                        with torch.no_grad():
                            out = model(x)
                            loss = cross_entropy(out, y, inp.kind, reduction=reduction)
                    step += 1
                    iteration += 1
                    seen += n
                    pending.steps.append((step, iteration, n, jsonfmt.now_ms()))
                    correct = (out.detach().argmax(dim=1) == y).sum()
                    if group is None:
                        pending.losses.append(loss.detach())
                        pending.correct.append(correct)
                        stop = hooks.should_stop()
                    else:
                        sums = group.step_sums(loss, correct, hooks.should_stop())
                        pending.losses.append(sums[0] / n)
                        pending.correct.append(sums[1])
                        stop = step % STOP_AGREE_STEPS == 0 and bool(sums[2].item() > 0)
                    due = step == steps or time.perf_counter() - last_read >= READ_INTERVAL_S
                    if due or stop:
                        read(send=due)
                    if stop:
                        ended_early = 'stop requested'
                        break
            except RuntimeError as err:
                if is_out_of_memory(err):
                    share = '' if group is None else f', {per_rank_batch(batch_size, group.world)} on each rank'
                    raise out_of_memory(err, f'on {inp.device_name} at epoch {e + 1}, step {step + 1} (a batch of {batch_size} images{share})',
                                        f'lower batchSize (now {batch_size})') from err
                raise
            seconds = time.perf_counter() - epoch_start
            train_seconds += seconds
            train_images += seen
            if ended_early:
                break

            if group is not None:
                if group.agree_stop(hooks.should_stop()):
                    ended_early = 'stop requested'
                    break
                group.broadcast_buffers(model)
            hooks.on_status('evaluating', f'evaluating epoch {e + 1}')

            def evaluate(split):
                if group is not None and group.agree_stop(hooks.should_stop()):
                    return None
                try:
                    return evaluate_split(model, split, inp.batcher, inp.classes, inp.kind, batch_size, hooks.should_stop, group)
                except RuntimeError as err:
                    if is_out_of_memory(err):
                        raise out_of_memory(err, f'on {inp.device_name} while evaluating epoch {e + 1}', f'lower batchSize (now {batch_size})') from err
                    raise

            val = evaluate(inp.val) if inp.val is not None else None
            test = None if (inp.val is not None and val is None) else evaluate(inp.test)
            if test is None:
                ended_early = 'stop requested'
                break
            record = {
                'type': 'epoch', 'epoch': e + 1, 'epochs': epochs, 'lr': lr,
                'train': {'loss': loss_sum / seen, 'accuracy': correct_sum / seen},
                'val': {'loss': val['loss'], 'accuracy': val['accuracy']} if val else None,
                'test': {'loss': test['loss'], 'accuracy': test['accuracy']},
                'perClassAccuracy': test['perClassAccuracy'], 'confusionMatrix': test['confusionMatrix'],
                'imagesPerSecond': seen / seconds if seconds > 0 else None, 'seconds': seconds, 'frozen': frozen,
                'best': False, 'time': jsonfmt.now_ms(),
            }
            value = monitor_value(record)
            improved = best is None or (value > best_value if higher_is_better else value < best_value)
            if improved:
                record['best'] = True
                best, best_value, since_best = record, value, 0
                checkpoint('best', {'epoch': e + 1, 'savedAt': jsonfmt.iso_now(), 'monitor': monitor, 'record': record})
            else:
                since_best += 1
            checkpoint('last', {'epoch': e + 1, 'savedAt': jsonfmt.iso_now(), 'record': record})
            last = record
            epochs_completed = e + 1
            hooks.on_epoch(record)
            # Plateau reads the validation (or test) loss, as ReduceLROnPlateau on the loss.
            if schedule.observe((record['val'] or record['test'])['loss']):
                hooks.on_status('training', 'loss on a plateau: learning rate reduced')
            early = config.get('earlyStopping')
            if early and since_best > early['patience']:
                ended_early = f'early stopping: no better {monitor} for {since_best} epochs'
                hooks.on_status('training', ended_early)
        if ended_early == 'stop requested':
            hooks.on_status('stopping', 'stop requested: saving checkpoints/last')
            checkpoint('last', {'epoch': epochs_completed, 'savedAt': jsonfmt.iso_now(), 'partial': True})
    finally:
        set_frozen(model, [])
    return {
        'status': 'stopped' if ended_early == 'stop requested' else 'completed',
        'epochsCompleted': epochs_completed, 'best': best, 'last': last, 'endedEarly': ended_early,
        'monitor': monitor, 'trainImagesPerSecond': train_images / train_seconds if train_seconds > 0 else None,
    }
