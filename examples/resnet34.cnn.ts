import { resnet } from './lib/resnet';
import { imagenetTraining } from './lib/imagenet';

// ResNet-34, torchvision: 21,797,672 parameters; basic blocks, 3-4-6-3 per stage.
export default resnet({ name: 'ResNet-34', block: 'basic', layers: [3, 4, 6, 3], classes: 1000, variant: 'imagenet' });

export const training = imagenetTraining;
