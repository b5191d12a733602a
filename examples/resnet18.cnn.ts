import { resnet } from './lib/resnet';
import { imagenetTraining } from './lib/imagenet';

// ResNet-18, torchvision: 11,689,512 parameters (and 9,600 BatchNorm running statistics).
// 112×112×64 after the stem's convolution, 56×56×64 after its pool, then 56 → 28 → 14 → 7.
export default resnet({ name: 'ResNet-18', block: 'basic', layers: [2, 2, 2, 2], classes: 1000, variant: 'imagenet' });

export const training = imagenetTraining;
