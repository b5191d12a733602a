import type { Training } from 'cnn-explorer';
import { vgg, VGG11 } from './lib/vgg';
import { imagenetTraining } from './lib/imagenet';

// VGG-11 (configuration A), torchvision: 132,863,336 parameters.
export default vgg('VGG-11', VGG11);

export const training: Training = { ...imagenetTraining, optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 5e-4 } };
