import type { EngineChoice } from '../../engine/torch/chooseEngine';
import type { DistributedRequest } from '../../engine/trainer/spec';
import { tr } from '../../shared/l10n/translate';

// Train Model on a machine with several GPUs: when PyTorch trains and its Python sees more than
// one CUDA GPU, the user picks one GPU (as on any other machine) or all of them through torchrun
// with DDP (docs/distributed.md). Anywhere else there is nothing to pick, and Train Model asks
// nothing more than before. Pure, so that what is offered is tested without a GPU.

export interface DistributedOffer {
  label: string;
  description: string;
  detail: string;
  /** What prepareRuns is given: undefined trains on one process, as on a machine with one GPU. */
  distributed: DistributedRequest | undefined;
}

/** The choices for a run on `choice`: none (ask nothing) unless torch trains with more than one CUDA GPU; one GPU first. */
export function distributedOffers(choice: EngineChoice): DistributedOffer[] {
  if (choice.engine !== 'torch' || choice.python === null) return [];
  const { device, deviceName, gpuCount } = choice.python;
  if (device !== 'cuda' || !Number.isInteger(gpuCount) || gpuCount <= 1) return [];
  const gpu = deviceName ? ` (${deviceName})` : '';
  return [
    {
      label: tr('On one GPU'),
      description: `cuda:0${gpu}`,
      detail: tr('One process, as on a machine with one GPU.'),
      distributed: undefined,
    },
    {
      label: tr('On {0} GPUs (DDP)', gpuCount),
      description: `cuda ×${gpuCount}${gpu}`,
      detail: tr('One process per GPU through torchrun; the batch size is the global batch, {0} parts per step.', gpuCount),
      distributed: { nprocPerNode: gpuCount },
    },
  ];
}
