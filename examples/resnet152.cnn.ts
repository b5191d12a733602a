import { resnet } from './lib/resnet';
import { imagenetTraining } from './lib/imagenet';

// ResNet-152, torchvision: 60,192,808 parameters; bottleneck blocks, 3-8-36-3 per stage.
// The analysis benchmark's largest model.
export default resnet({ name: 'ResNet-152', block: 'bottleneck', layers: [3, 8, 36, 3], classes: 1000, variant: 'imagenet' });

export const training = imagenetTraining;
