"""The plain side of the torch engine's bench (bench/torchEngine.ts): a minimal PyTorch training
loop on what a `cnn-explorer train --backend torch` run trained, read from its run folder: the
same exported model.py, the same prepared dataset (spec.json's torch.data), batch size,
optimizer, seed and thread count, on the device the run used.

    python3 bench/torch_plain.py RUN_DIR --epochs 3 --warmup 1 --device cpu|cuda|mps

Per epoch: shuffle the indices, and per batch gather the bytes, lay them out NCHW, scale and
normalize, forward, cross-entropy, backward, step; then the test split evaluated once without
gradients (the engine evaluates it each epoch as well). The loss stays on the device and is
read once per epoch. The first `--warmup` epochs are not timed; the others are, from the start
of the first of them to the end of the last (the device synchronized), and the result is one
JSON line: {"imagesPerSecond", "seconds", "images", "device", "threads", "torch"}.

Only the dataset reader comes from the engine (python/cnn_explorer_torch): reading the file is
not timed."""
import argparse
import importlib.util
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'python'))

from cnn_explorer_torch.dataset import load_prepared  # noqa: E402
from cnn_explorer_torch.model import output_kind  # noqa: E402


def build(module_path):
    spec = importlib.util.spec_from_file_location('plain_model', module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_model()


def optimizer_of(spec, params):
    kind, lr, wd = spec['type'], spec['lr'], spec.get('weightDecay', 0) or 0
    if kind == 'sgd':
        momentum = spec.get('momentum', 0) or 0
        return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=bool(spec.get('nesterov')) and momentum > 0, weight_decay=wd)
    if kind == 'adam':
        return torch.optim.Adam(params, lr=lr, eps=1e-8, weight_decay=wd)
    if kind == 'adamw':
        return torch.optim.AdamW(params, lr=lr, eps=1e-8, weight_decay=wd)
    if kind == 'rmsprop':
        return torch.optim.RMSprop(params, lr=lr, alpha=0.99, eps=1e-8, weight_decay=wd)
    raise SystemExit(f'torch_plain.py: optimizer {kind!r} is not one it knows')


def loss_of(kind):
    """The cross-entropy as the model's last layer makes its output (softmax, logSoftmax, logits)."""
    if kind == 'probabilities':
        return lambda out, y, reduction='mean': F.nll_loss(out.clamp(1e-7, 1).log(), y, reduction=reduction)
    if kind == 'logProbabilities':
        return lambda out, y, reduction='mean': F.nll_loss(out, y, reduction=reduction)
    return lambda out, y, reduction='mean': F.cross_entropy(out, y, reduction=reduction)


def main():
    args = argparse.ArgumentParser()
    args.add_argument('run_dir')
    args.add_argument('--epochs', type=int, required=True)
    args.add_argument('--warmup', type=int, default=1)
    args.add_argument('--device', default='cpu')
    a = args.parse_args()
    with open(os.path.join(a.run_dir, 'spec.json'), encoding='utf-8') as f:
        spec = json.load(f)
    config, ir, torch_spec = spec['config'], spec['model']['ir'], spec['torch']
    torch.set_num_threads(torch_spec['threads'])
    device = torch.device(a.device)
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True  # as the engine does on CUDA

    data = load_prepared(torch_spec['data'])
    c = data.image_shape[2]
    mean = torch.tensor(data.mean if data.mean is not None else [0.0] * c, device=device).view(1, c, 1, 1)
    std = torch.tensor(data.std if data.std is not None else [1.0] * c, device=device).view(1, c, 1, 1)
    flat = len(ir['inputShape']) == 1
    train_x, train_y = data.train.images.to(device), data.train.labels.to(device)
    test_x, test_y = data.test.images.to(device), data.test.labels.to(device)

    def inputs(images):
        x = (images.permute(0, 3, 1, 2).float() / 255 - mean) / std
        # A flat model takes each image in H, W, C order (docs/torch-engine.md).
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1) if flat else x

    torch.manual_seed(config['seed'])
    model = build(torch_spec['module']).to(device)
    opt = optimizer_of(config['optimizer'], model.parameters())
    loss_fn = loss_of(output_kind(ir))
    batch = config['batchSize']
    n = int(train_y.shape[0])
    order_rng = torch.Generator()
    order_rng.manual_seed(config['seed'])

    def sync():
        if device.type == 'cuda':
            torch.cuda.synchronize()
        elif device.type == 'mps':
            torch.mps.synchronize()

    start = None
    for epoch in range(a.epochs):
        if epoch == a.warmup:
            sync()
            start = time.perf_counter()
        model.train()
        total = torch.zeros((), device=device)
        order = torch.randperm(n, generator=order_rng).to(device)
        for i in range(0, n, batch):
            idx = order[i:i + batch]
            loss = loss_fn(model(inputs(train_x[idx])), train_y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.detach()
        model.eval()
        correct = torch.zeros((), dtype=torch.long, device=device)
        test_loss = torch.zeros((), device=device)
        with torch.no_grad():
            for i in range(0, int(test_y.shape[0]), 2 * batch):
                out = model(inputs(test_x[i:i + 2 * batch]))
                test_loss += loss_fn(out, test_y[i:i + 2 * batch], reduction='sum')
                correct += (out.argmax(dim=1) == test_y[i:i + 2 * batch]).sum()
        torch.stack([total, test_loss, correct.float()]).tolist()
    sync()
    seconds = time.perf_counter() - start
    images = n * (a.epochs - a.warmup)
    print(json.dumps({'imagesPerSecond': images / seconds, 'seconds': seconds, 'images': images,
                      'device': device.type, 'threads': torch.get_num_threads(), 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
