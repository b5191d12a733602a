"""`python -m cnn_explorer_torch.evaluate_run <job.json>`: `cnn-explorer evaluate RUN --backend
torch` (src/engine/torch/evaluateOnTorch.ts writes the job). A checkpoint's weights on the test
split of the run's prepared dataset, with the trainer's own batches and evaluation, so that the
figures are those training reported. stdout carries one JSON line: the evaluation, or the error."""
import json
import os
import sys
import traceback

from . import jsonfmt
from .__main__ import Messages
from .errors import TrainerError, error_code, one_line


def _load_weights(model, path: str) -> None:
    """Every tensor of the model from the checkpoint, by key and shape: a checkpoint of another model is refused."""
    import torch

    from .safetensors import load_file
    try:
        source = load_file(path)
    except Exception as err:
        raise TrainerError('internal', f'{path}: cannot be read ({one_line(err)})') from err
    state = model.state_dict()
    with torch.no_grad():
        for key, target in state.items():
            if key.endswith('num_batches_tracked'):  # a counter, not a weight: the tfjs engine writes none
                continue
            tensor = source.get(key)
            if tensor is None:
                raise TrainerError('model-invalid', f'{path}: it has no {key}: the checkpoint is not of this model')
            if tuple(tensor.shape) != tuple(target.shape):
                raise TrainerError('model-invalid', f'{path}: {key} is {list(tensor.shape)} there, {list(target.shape)} in the model')
            target.copy_(tensor)


def evaluate_run(job: dict) -> dict:
    try:
        import torch
    except Exception as err:
        raise TrainerError('backend-unavailable', f'{sys.executable}: PyTorch cannot be imported ({one_line(err)})') from err
    from .augment import Random
    from .batches import Batcher, to_device
    from .dataset import load_prepared
    from .device import describe_device, select_device
    from .evaluate import evaluate_split
    from .model import build_model, check_against_data, output_kind

    device = select_device(job.get('device', 'auto'), job.get('threads'))
    ir = job['ir']
    data = load_prepared(job['data'])
    norm = job.get('normalization')
    if norm:  # exactly what training used, as run.json recorded it
        data.mean, data.std = list(norm['mean']), list(norm['std'])
    check_against_data(job['config'], ir, data.image_shape)
    model = build_model(job['module'], ir)
    _load_weights(model, job['weights'])
    model.to(device)
    # No augmentation: the generator is never drawn from.
    batcher = Batcher(data, ir['inputShape'], device, None, Random(0, device))
    evaluation = evaluate_split(model, to_device(data.test, device), batcher, len(data.classes), output_kind(ir),
                                job['config']['batchSize'], lambda: False)
    return {'type': 'evaluation', 'detail': describe_device(device), 'classNames': data.classes, 'evaluation': evaluation}


def main(argv: list) -> int:
    messages = Messages()
    try:
        if len(argv) < 2:
            raise TrainerError('internal', 'usage: python -m cnn_explorer_torch.evaluate_run <job.json>')
        with open(argv[1], encoding='utf-8') as f:
            job = json.load(f)
        messages.send(jsonfmt.line(evaluate_run(job)))
        return 0
    except Exception as err:  # one line for the user; the stack goes to stderr
        traceback.print_exc()
        messages.send(jsonfmt.line({'type': 'error', 'code': error_code(err), 'message': one_line(err)}))
        return 1


if __name__ == '__main__':
    code = main(sys.argv)
    sys.stderr.flush()
    os._exit(code)
