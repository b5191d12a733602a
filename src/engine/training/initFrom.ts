// `initFrom`: start from other weights wherever they fit (e.g. a new head on the same
// backbone); everything else keeps its initialisation. The weights come from another run's best
// checkpoint (either engine's, or the older tfjs format), a safetensors file, a PyTorch file
// written by torch.save(model.state_dict(), f), or torchvision's published ImageNet weights
// (fetched into the cache first), matched to the model as matchStateDict says.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelIR } from '../../dsl/ir';
import { readJson } from '../../runs/files';
import { runPaths } from '../../runs/store';
import { readWeightsFile } from '../../weights/files';
import { matchStateDict, type StateDict, type StateMatch } from '../../weights/stateDict';
import { analyzeModel } from '../../analysis/index';
import { stateTensors } from '../../interop/parameters';
import type { RunSpec } from '../trainer/spec';
import { loadStateDict } from '../weights/stateDict';
import { checkpointState } from './checkpoints';
import type { InitSource } from './initFromSource';
import { fetchTorchvisionWeights, type WeightsFetchOptions } from './torchvisionWeights';

export interface CopyReport {
  /** The model's state_dict keys that were set. */
  copied: string[];
  /** The model's tensors with no match: key and why. */
  skipped: { name: string; reason: string }[];
}

/**
 * The source's weights as a state dict (PyTorch keys and layouts), under the source's own keys.
 * Published weights are fetched first (`fetch`: where to, and who hears the progress).
 */
async function initFromState(source: InitSource, fetch: WeightsFetchOptions = {}): Promise<StateDict> {
  if (source.kind === 'file') return readWeightsFile(source.file);
  if (source.kind === 'torchvision') return readWeightsFile(await fetchTorchvisionWeights(source, fetch));
  return checkpointState(source.checkpointDir, () => {
    const spec = readJson<RunSpec>(runPaths(source.runDir).spec);
    if (!spec) throw new Error(`run '${source.runId}' has no readable spec.json, which its older checkpoint format needs to be read`);
    return spec.model.ir;
  });
}

/**
 * The source's tensors that fit the model of `ir`, under the model's own state_dict keys (a
 * torchvision file's `layer1.0.conv1.weight` becomes this model's key), with what was left out:
 * for an engine that loads weights by key (the torch engine writes it to a safetensors file).
 */
export async function initFromForModel(source: InitSource, ir: ModelIR, fetch: WeightsFetchOptions = {}): Promise<{ state: StateDict; report: CopyReport }> {
  const match = matchStateDict(stateTensors(ir, analyzeModel(ir)), await initFromState(source, fetch), { partial: true });
  return { state: match.pairs, report: reportOf(match) };
}

/** Copies the source's weights into the model where they fit; the rest keeps its values. */
export async function copyInitWeights(model: tfl.LayersModel, ir: ModelIR, source: InitSource, fetch: WeightsFetchOptions = {}): Promise<CopyReport> {
  return reportOf(loadStateDict(model, ir, await initFromState(source, fetch), { partial: true }));
}

function reportOf(match: StateMatch): CopyReport {
  return { copied: [...match.pairs.keys()], skipped: match.skipped.map((s) => ({ name: s.key, reason: s.reason })) };
}
