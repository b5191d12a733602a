"""The model the run trains: `build_model()` of the run's model.py (the starter's PyTorch export),
checked against the dataset as the tfjs trainer checks its own (src/engine/training/config.ts
checkAgainstModel, and the output's classes in src/engine/trainer/run.ts)."""
import importlib.util
import sys

import torch
from torch import nn

from .errors import TrainerError, is_out_of_memory, one_line

INPUT_ID = '@input'


def _node(ir: dict, node_id: str):
    return next((n for n in ir['nodes'] if n['id'] == node_id), None)


def build_model(module_path: str, ir: dict) -> nn.Module:
    """Imports model.py by path and calls its build_model(); what fails there is the model's error."""
    location = ir.get('source')
    try:
        spec = importlib.util.spec_from_file_location('cnn_explorer_run_model', module_path)
        if spec is None or spec.loader is None:
            raise ImportError(f'{module_path} is not a Python module')
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        build = getattr(module, 'build_model', None)
        if build is None:
            raise TrainerError('model-invalid', f'{module_path}: it has no build_model()', location)
        model = build()
    except TrainerError:
        raise
    except Exception as err:
        if is_out_of_memory(err):
            raise
        raise TrainerError('model-invalid', f'the model cannot be built: {one_line(err)}', location) from err
    if not isinstance(model, nn.Module):
        raise TrainerError('model-invalid', f'{module_path}: build_model() returned {type(model).__name__}, not an nn.Module', location)
    return model


def check_against_data(config: dict, ir: dict, image_shape: tuple) -> None:
    """The training block against the model and the data, with checkAgainstModel's words."""
    def fail(message: str) -> TrainerError:
        return TrainerError('config-invalid', message)

    expected = list(ir['inputShape'])
    h, w, c = image_shape
    fits = expected == [h, w, c] if len(expected) == 3 else len(expected) == 1 and expected[0] == h * w * c
    if not fits:
        data = f"'{config['dataset']}'" if isinstance(config['dataset'], str) else 'the dataset'
        raise fail(f"{data} has images of [{h}, {w}, {c}] but the model's input is [{', '.join(map(str, expected))}]")
    normalize = config.get('normalize')
    if isinstance(normalize, dict) and len(normalize['mean']) != c:
        raise fail(f"normalize needs one mean and std per channel ({c}), got {len(normalize['mean'])}")
    freeze = config.get('freeze')
    if freeze and freeze['layers'] != 'all-but-last':
        paths = [n['path'] for n in ir['nodes']]
        for name in freeze['layers']:
            if not any(p == name or p.startswith(f'{name}/') for p in paths):
                raise fail(f"freeze.layers: no layer or block '{name}' in the model")


def check_output(model: nn.Module, sample: torch.Tensor, classes: int, ir: dict) -> None:
    """One forward pass (evaluation mode, no gradients): the model runs on the data and gives one score per class."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(sample)
    except Exception as err:
        if is_out_of_memory(err):
            raise
        raise TrainerError('model-invalid', f'the model cannot run on the dataset\'s images ({list(sample.shape)}): {one_line(err)}', ir.get('source')) from err
    finally:
        model.train(was_training)
    if not isinstance(out, torch.Tensor) or out.dim() != 2 or out.shape[1] != classes:
        shape = list(out.shape[1:]) if isinstance(out, torch.Tensor) else type(out).__name__
        last = _node(ir, ir.get('output'))
        raise TrainerError('model-invalid', f"the model outputs {shape} but the dataset has {classes} classes: end the model with dense({classes})",
                           last.get('source') if last else None)


def output_kind(ir: dict) -> str:
    """src/engine/training/loss.ts outputKind: logits, probabilities (ends in softmax) or
    log-probabilities (logSoftmax), looking through dropout, so the loss never softmaxes twice."""
    node_id = ir.get('output')
    while True:
        if node_id == INPUT_ID:
            return 'logits'
        node = _node(ir, node_id)
        if node is None:
            return 'logits'
        op = node['op']
        if op['type'] == 'dropout':
            node_id = node['inputs'][0] if node['inputs'] else INPUT_ID
            continue
        act = op.get('activation') if op['type'] in ('dense', 'conv2d', 'depthwiseConv2d') else op['type']
        if act == 'softmax':
            return 'probabilities'
        if act == 'logSoftmax':
            return 'logProbabilities'
        return 'logits'


# The ops that own weights (src/interop/parameters.ts): their modules must be where moduleNames says.
_WEIGHTED = ('conv2d', 'depthwiseConv2d', 'dense', 'batchNorm')


def frozen_layers(ir: dict, module_names: dict, model: nn.Module, freeze: dict):
    """What `freeze` names, as src/engine/training/freeze.ts picks it: layer paths or block names
    (every layer under it), or 'all-but-last' (every layer with weights except the last such: the
    head). Returns the layers' paths (for messages and the epoch record) and the modules whose
    parameters stop learning; spec.torch.moduleNames says where each layer's module is."""
    if freeze['layers'] == 'all-but-last':
        nodes = [n for n in ir['nodes'] if n['op']['type'] in _WEIGHTED][:-1]
    else:
        wanted = freeze['layers']
        nodes = [n for n in ir['nodes'] if any(n['path'] == w or n['path'].startswith(f'{w}/') for w in wanted)]
    modules = []
    for node in nodes:
        if node['op']['type'] not in _WEIGHTED:
            continue
        name = module_names.get(node['id'])
        if name is None:
            raise TrainerError('internal', f"spec.json: torch.moduleNames has no module for layer '{node['path']}'")
        try:
            modules.append(model.get_submodule(name))
        except AttributeError:
            raise TrainerError('internal', f"spec.json: torch.moduleNames names '{name}' for layer '{node['path']}', which model.py does not have") from None
    return [n['path'] for n in nodes], modules


def set_frozen(model: nn.Module, modules: list) -> None:
    """requires_grad off for the frozen modules' parameters, on for all others."""
    off = {id(p) for m in modules for p in m.parameters()}
    for p in model.parameters():
        p.requires_grad_(id(p) not in off)
