"""The torch engine's training speed against a plain PyTorch loop on the same model and data.

    PYTHONPATH=python python3 python/bench/plain_loop.py [--device cuda] [--images 20000] [--epochs 4] [--batch 256]

Prints one JSON line: images per second of the trainer (its epoch records) and of two plain
loops (data already on the device, normalized; one reads the loss every step with .item(), as
most scripts do, the other never), over the epochs after the first (warm-up), and the ratios.
The trainer's epochs include its augmentation-free batch making (gather, scale, normalize)."""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from tests.support import RunFolder, default_config  # noqa: E402

MODEL_PY = '''
import torch
from torch import nn
import torch.nn.functional as F


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(block(3, 64), block(64, 128), nn.MaxPool2d(2), block(128, 128), block(128, 256), nn.MaxPool2d(2),
                                      block(256, 256), nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(256, 4)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


def build_model():
    return Model()
'''


def plain(run, device, epochs, batch, read_every_step):
    from cnn_explorer_torch.model import build_model
    from cnn_explorer_torch.safetensors import load_file
    data = load_file(run.data)
    x = ((data['train.images'].float() / 255 - 0.3) / 0.25).permute(0, 3, 1, 2).contiguous().to(device)
    y = data['train.labels'].to(device)
    torch.manual_seed(0)
    model = build_model(run.module, run.spec['model']['ir']).to(device)
    opt = torch.optim.Adam(model.parameters(), 0.001)
    rates = []
    for _ in range(epochs):
        if device.type == 'cuda':
            torch.cuda.synchronize()
        start = time.perf_counter()
        total = torch.zeros((), device=device)
        order = torch.randperm(len(y), device=device)
        for i in range(0, len(y), batch):
            idx = order[i:i + batch]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if read_every_step:
                loss.item()
            else:
                total += loss.detach()
        float(total)
        if device.type == 'cuda':
            torch.cuda.synchronize()
        rates.append(len(y) / (time.perf_counter() - start))
    return statistics.mean(rates[1:])


def main():
    args = argparse.ArgumentParser()
    args.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    args.add_argument('--images', type=int, default=20000)
    args.add_argument('--epochs', type=int, default=4)
    args.add_argument('--batch', type=int, default=256)
    a = args.parse_args()
    torch.backends.cudnn.benchmark = True
    run = RunFolder(default_config(epochs=a.epochs, batchSize=a.batch, optimizer={'type': 'adam', 'lr': 0.001, 'weightDecay': 0}),
                    size=32, channels=3, dataset={'size': 32, 'channels': 3, 'train': a.images, 'test': 512})
    try:
        with open(run.module, 'w') as f:
            f.write(MODEL_PY)
        run.spec['model']['ir']['inputShape'] = [32, 32, 3]
        run.spec['torch'].update(device=a.device, threads=os.cpu_count() or 1)
        torch.set_num_threads(os.cpu_count() or 1)
        result, _ = run.run_in_process()
        if result['status'] != 'completed':
            raise SystemExit(f"the trainer failed: {result['error']}\n{run.stderr}")
        trainer = statistics.mean(m['imagesPerSecond'] for m in run.metrics() if m['type'] == 'epoch' and m['epoch'] > 1)
        device = torch.device(a.device)
        item = plain(run, device, a.epochs, a.batch, True)
        lean = plain(run, device, a.epochs, a.batch, False)
        print(json.dumps({'device': a.device, 'images': a.images, 'batch': a.batch, 'trainer': round(trainer, 1),
                          'plainItem': round(item, 1), 'plainLean': round(lean, 1),
                          'trainerVsPlainItem': round(trainer / item, 3), 'trainerVsPlainLean': round(trainer / lean, 3)}))
    finally:
        run.cleanup()


if __name__ == '__main__':
    main()
