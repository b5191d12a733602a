"""PyTorch side of `npm run bench` (bench/train.ts): training images/s for the same models,
batch size and random MNIST/CIFAR-shaped data as the tfjs side, SGD, cross-entropy, one
optimizer step per batch with the loss read back every step (as the tfjs loop does).

Started once per bench, it times one round per request, so that the bench can alternate
PyTorch's rounds with tfjs's: both then see the same load on a shared machine.
argv[1]: {"batch": 64, "threads": 2, "device": "cpu" | "cuda"}; it prints an info line, then
reads one request per stdin line, {"model": "lenet5", "warmup": 3, "warmupSeconds": 1,
"minSteps": 5, "seconds": 1} (the warm-up, that many steps and seconds, is taken at a model's
first request), and answers each with one line
{"model", "steps", "seconds", "imagesPerSecond"}."""
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


class Session:
    """One model, its optimizer and its data, kept between the rounds the bench asks for."""

    def __init__(self, name, cfg, warmup, warmup_seconds):
        make, shape = MODELS[name]
        torch.manual_seed(0)
        device = cfg.get('device', 'cpu')
        self.name = name
        self.batch = cfg['batch']
        self.model = make().to(device)
        self.model.train()
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01)
        self.xs = [torch.rand(self.batch, *shape, device=device) for _ in range(4)]
        self.ys = [torch.randint(0, 10, (self.batch,), device=device) for _ in range(4)]
        self.loss_fn = nn.CrossEntropyLoss()
        self.i = 0
        t0 = time.perf_counter()
        while self.i < warmup or time.perf_counter() - t0 < warmup_seconds:
            self.step()

    def step(self):
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(self.xs[self.i % 4]), self.ys[self.i % 4])
        loss.backward()
        self.opt.step()
        self.i += 1
        return loss.item()

    def round(self, seconds, min_steps):
        steps = 0
        t0 = time.perf_counter()
        while True:
            self.step()
            steps += 1
            elapsed = time.perf_counter() - t0
            if steps >= min_steps and elapsed >= seconds:
                break
        return {'model': self.name, 'steps': steps, 'seconds': elapsed, 'imagesPerSecond': steps * self.batch / elapsed}


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg['threads'])
    info = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'device': cfg.get('device', 'cpu')}
    if info['device'] == 'cuda':
        info['gpu'] = torch.cuda.get_device_name(0)
    print(json.dumps({'info': info}), flush=True)
    sessions = {}
    for line in sys.stdin:
        req = json.loads(line)
        name = req['model']
        if name not in sessions:
            sessions[name] = Session(name, cfg, req['warmup'], req.get('warmupSeconds', 0))
        print(json.dumps(sessions[name].round(req['seconds'], req['minSteps'])), flush=True)


main()
