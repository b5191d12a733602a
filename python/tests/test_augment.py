import math
import unittest

import torch

from cnn_explorer_torch.augment import Random, augment, color_jitter, rotate_shift_flip, shift_flip


def reference(src, h, w, c, dy, dx, flip, degrees):
    """src/engine/data/augment.ts (shiftFlip, rotateShiftFlip) for one HWC image, transcribed."""
    out = [0.0] * (h * w * c)
    theta = degrees * math.pi / 180
    cy, cx = (h - 1) / 2, (w - 1) / 2
    cos, sin = math.cos(theta), math.sin(theta)
    for y in range(h):
        for x in range(w):
            o = (y * w + x) * c
            if degrees == 0:
                sy, sx = y + dy, (w - 1 - x if flip else x) + dx
                if 0 <= sy < h and 0 <= sx < w:
                    for k in range(c):
                        out[o + k] = src[(sy * w + sx) * c + k]
                continue
            ry = cy + (y - cy) * cos - (x - cx) * sin
            rx = cx + (y - cy) * sin + (x - cx) * cos
            sy, sx = ry + dy, (w - 1 - rx if flip else rx) + dx
            y0, x0 = math.floor(sy), math.floor(sx)
            fy, fx = sy - y0, sx - x0
            for k in range(c):
                v = 0.0
                for yy, xx, wt in ((y0, x0, (1 - fy) * (1 - fx)), (y0, x0 + 1, (1 - fy) * fx), (y0 + 1, x0, fy * (1 - fx)), (y0 + 1, x0 + 1, fy * fx)):
                    if 0 <= yy < h and 0 <= xx < w:
                        v += wt * src[(yy * w + xx) * c + k]
                out[o + k] = v
    return out


class AugmentTest(unittest.TestCase):
    def setUp(self):
        g = torch.Generator()
        g.manual_seed(3)
        self.images = torch.randint(0, 256, (4, 5, 7, 2), generator=g, dtype=torch.uint8)  # N, H, W, C
        self.params = dict(dy=torch.tensor([0, 2, -1, 1]), dx=torch.tensor([0, -2, 3, 0]), flip=torch.tensor([False, True, False, True]))

    def expected(self, degrees):
        n, h, w, c = self.images.shape
        rows = []
        for i in range(n):
            src = self.images[i].flatten().tolist()
            ref = reference(src, h, w, c, int(self.params['dy'][i]), int(self.params['dx'][i]), bool(self.params['flip'][i]), degrees[i])
            rows.append(torch.tensor(ref).view(h, w, c))
        return torch.stack(rows)

    def test_crop_and_flip_move_whole_pixels_as_the_tfjs_engine_does(self):
        out = shift_flip(self.images, **self.params)
        self.assertTrue(torch.equal(out.float(), self.expected([0, 0, 0, 0])))

    def test_rotation_samples_as_the_tfjs_engine_does(self):
        degrees = [10.0, -30.0, 45.0, 90.0]
        x = self.images.permute(0, 3, 1, 2).float()
        out = rotate_shift_flip(x, degrees=torch.tensor(degrees), **self.params).permute(0, 2, 3, 1)
        self.assertLess(float((out - self.expected(degrees)).abs().max()), 1e-3)

    def test_a_batch_comes_out_float_nchw_in_range_and_reproducible(self):
        spec = {'randomCrop': {'padding': 2}, 'horizontalFlip': True, 'rotation': 15,
                'colorJitter': {'brightness': 0.4, 'contrast': 0.4, 'saturation': 0.4, 'hue': 0.1}}
        images = torch.randint(0, 256, (6, 8, 8, 3), dtype=torch.uint8)
        a = augment(images, spec, Random(5, torch.device('cpu')))
        b = augment(images, spec, Random(5, torch.device('cpu')))
        self.assertEqual(list(a.shape), [6, 3, 8, 8])
        self.assertTrue(torch.equal(a, b))
        self.assertGreaterEqual(float(a.min()), 0)
        self.assertLessEqual(float(a.max()), 1)
        self.assertFalse(torch.equal(a, augment(images, spec, Random(6, torch.device('cpu')))))

    def test_jitter_leaves_grays_gray_and_moves_colours(self):
        gray = torch.full((2, 3, 4, 4), 0.5)
        rng = Random(1, torch.device('cpu'))
        out = color_jitter(gray, {'saturation': 0.9, 'hue': 0.5}, rng)
        self.assertLess(float((out - 0.5).abs().max()), 1e-2)
        colour = torch.rand(2, 3, 4, 4, generator=torch.Generator().manual_seed(0))
        self.assertFalse(torch.allclose(color_jitter(colour, {'hue': 0.5}, rng), colour))
