"""PyTorch side of `npm run bench` (bench/train.ts): training images/s for the same models,
batch size and random MNIST/CIFAR-shaped data as the tfjs side, SGD, cross-entropy, one
optimizer step per batch with the loss read back every step (as the tfjs loop does).

Input: one JSON object on argv[1]: {"models": [...], "batch": 64, "threads": 2,
"seconds": 3, "minSteps": 5, "warmup": 3, "rounds": 3, "device": "cpu" | "cuda"}. Output: one JSON line per model on stdout."""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(96, 50), nn.ReLU(), nn.Linear(50, 10))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (self.short(x) if self.short is not None else x))


def resnet18_cifar():
    layers = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


MODELS = {'lenet5': (lenet, (1, 28, 28)), 'smallcnn': (small_cnn, (1, 28, 28)), 'resnet18': (resnet18_cifar, (3, 32, 32))}


def bench(name, cfg):
    make, shape = MODELS[name]
    torch.manual_seed(0)
    device = cfg.get('device', 'cpu')
    model = make().to(device)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    batch = cfg['batch']
    xs = [torch.rand(batch, *shape, device=device) for _ in range(4)]
    ys = [torch.randint(0, 10, (batch,), device=device) for _ in range(4)]
    loss_fn = nn.CrossEntropyLoss()

    def step(i):
        opt.zero_grad()
        loss = loss_fn(model(xs[i % 4]), ys[i % 4])
        loss.backward()
        opt.step()
        return loss.item()

    warmup = cfg.get('warmupFor', {}).get(name, cfg['warmup'])
    for i in range(warmup):
        step(i)
    seconds = cfg.get('secondsFor', {}).get(name, cfg['seconds'])
    min_steps = cfg.get('minStepsFor', {}).get(name, cfg['minSteps'])
    # The best of `rounds` timed rounds, as on the tfjs side.
    rounds = cfg.get('rounds', 1) if seconds > 0 else 1
    best = None
    for _ in range(rounds):
        steps = 0
        t0 = time.perf_counter()
        while True:
            step(steps)
            steps += 1
            elapsed = time.perf_counter() - t0
            if steps >= min_steps and elapsed >= seconds / rounds:
                break
        figure = {'model': name, 'steps': steps, 'seconds': elapsed, 'imagesPerSecond': steps * batch / elapsed}
        if best is None or figure['imagesPerSecond'] > best['imagesPerSecond']:
            best = figure
    return best


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg['threads'])
    info = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'device': cfg.get('device', 'cpu')}
    if info['device'] == 'cuda':
        info['gpu'] = torch.cuda.get_device_name(0)
    print(json.dumps({'info': info}), flush=True)
    for name in cfg['models']:
        print(json.dumps(bench(name, cfg)), flush=True)


main()
