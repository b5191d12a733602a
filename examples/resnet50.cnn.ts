import { resnet } from './lib/resnet';
import { imagenetTraining } from './lib/imagenet';

// ResNet-50, torchvision (v1.5: the 3×3 convolution strides): 25,557,032 parameters,
// bottleneck blocks, 3-4-6-3 per stage, 2048 channels at the end.
export default resnet({ name: 'ResNet-50', block: 'bottleneck', layers: [3, 4, 6, 3], classes: 1000, variant: 'imagenet' });

export const training = imagenetTraining;
