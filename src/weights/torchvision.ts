// torchvision's published ImageNet weights (the IMAGENET1K_V1 weights of torchvision.models),
// as `initFrom: 'torchvision:<name>'` names them: where each file is published and the hash it
// is pinned by. torchvision publishes no sizes; the 8 hex digits in each file name are the
// prefix of its SHA-256 that torch.hub checks, and the fetcher checks the same prefix.
// Nothing here downloads (src/engine/data/download/ does) or imports Node.

/** The prefix `initFrom` uses for these weights. */
const TORCHVISION_PREFIX = 'torchvision:';

/** The base every file below is published under. */
const TORCHVISION_BASE_URL = 'https://download.pytorch.org/models/';

/** Architecture name (as torchvision.models spells it) → the published file. */
const TORCHVISION_WEIGHTS: Readonly<Record<string, string>> = {
  alexnet: 'alexnet-owt-7be5be79.pth',
  vgg11: 'vgg11-8a719046.pth',
  vgg16: 'vgg16-397923af.pth',
  googlenet: 'googlenet-1378be20.pth',
  resnet18: 'resnet18-f37072fd.pth',
  resnet34: 'resnet34-b627a593.pth',
  resnet50: 'resnet50-0676ba61.pth',
  resnet152: 'resnet152-394f9c45.pth',
  mobilenet_v2: 'mobilenet_v2-b0353104.pth',
};

/** The pin of one published file, in the fetcher's terms (docs/downloads.md). */
export interface TorchvisionPin {
  name: string;
  urls: string[];
  bytes: null;
  sha256: string;
}

/** The names `torchvision:` knows, for messages. */
const torchvisionNames = (): string[] => Object.keys(TORCHVISION_WEIGHTS);

/** Whether `ref` is an `initFrom` value of the torchvision kind. */
export const isTorchvisionRef = (ref: string): boolean => ref.startsWith(TORCHVISION_PREFIX);

/**
 * The pinned file of `torchvision:<name>`, or one line naming the known architectures when
 * torchvision publishes no weights under that name here.
 */
export function torchvisionPin(ref: string): TorchvisionPin | { error: string } {
  const name = ref.slice(TORCHVISION_PREFIX.length);
  const file = Object.prototype.hasOwnProperty.call(TORCHVISION_WEIGHTS, name) ? TORCHVISION_WEIGHTS[name] : undefined;
  if (!file) {
    return { error: `initFrom: no torchvision weights '${name}'; known: ${torchvisionNames().map((n) => TORCHVISION_PREFIX + n).join(', ')}` };
  }
  const hash = /-([0-9a-f]{8})\.pth$/.exec(file)![1]!;
  return { name: file, urls: [TORCHVISION_BASE_URL + file], bytes: null, sha256: hash };
}
