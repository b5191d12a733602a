import type { TestContext } from 'node:test';
import { findTorchPython, type TorchPython } from '../../src/engine/torch/python';

// Tests that need PyTorch find it as the product does. Where it is absent they skip with one
// line saying so, except where CNN_EXPLORER_REQUIRE_TORCH=1 (CI, which installs Debian's
// python3-torch): there its absence fails the test.

let found: Promise<TorchPython | Error> | null = null;

/** The Python with torch, or null after marking `t` skipped (absent, and not required). */
export async function torchPython(t: TestContext): Promise<TorchPython | null> {
  found ??= findTorchPython().catch((err: Error) => err);
  const result = await found;
  if (!(result instanceof Error)) return result;
  if (process.env.CNN_EXPLORER_REQUIRE_TORCH === '1') throw result;
  t.skip(`PyTorch is not installed here (${result.message.split('. ')[0]})`);
  return null;
}
