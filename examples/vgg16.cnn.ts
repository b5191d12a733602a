import type { Training } from 'cnn-explorer';
import { vgg, VGG16 } from './lib/vgg';
import { imagenetTraining } from './lib/imagenet';

// VGG-16 (configuration D), torchvision: 138,357,544 parameters. After pool5 the map is
// 7×7×512 and each position sees 212×212 input pixels, with a jump of 32.
export default vgg('VGG-16', VGG16);

export const training: Training = { ...imagenetTraining, optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 5e-4 } };
