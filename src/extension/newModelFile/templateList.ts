// The templates CNN: New Model File offers, in the order its quick pick lists them. Each one's
// text is templates/<id>.cnn.ts, a model file that needs nothing beside it (no relative
// imports), bundled into the extension by templateTexts.ts.

export const TEMPLATE_IDS = ['blank', 'lenet', 'vgg', 'resnet', 'mobilenet', 'mlp-vs-cnn'] as const;
export type TemplateId = typeof TEMPLATE_IDS[number];

export interface ModelTemplate {
  id: TemplateId;
  label: string;
  detail: string;
  /** The name the new file is offered under (made unique in the folder it goes to). */
  fileName: string;
}

export const MODEL_TEMPLATES: readonly ModelTemplate[] = [
  { id: 'blank', label: 'Blank', fileName: 'model.cnn.ts',
    detail: 'One convolution, a pool and a classifier for 28×28 grey images, to build on' },
  { id: 'lenet', label: 'LeNet-5', fileName: 'lenet.cnn.ts',
    detail: 'The classic digit recogniser: sigmoid, average pooling, MNIST (61,706 parameters)' },
  { id: 'vgg', label: 'VGG', fileName: 'vgg.cnn.ts',
    detail: 'Stacked 3×3 convolutions with BatchNorm in five pooled stages, CIFAR-10' },
  { id: 'resnet', label: 'ResNet-18', fileName: 'resnet.cnn.ts',
    detail: 'Residual blocks with identity and projection shortcuts, CIFAR-10' },
  { id: 'mobilenet', label: 'MobileNetV2', fileName: 'mobilenet.cnn.ts',
    detail: 'Inverted residuals with depthwise convolutions, CIFAR-10' },
  { id: 'mlp-vs-cnn', label: 'MLP vs CNN', fileName: 'mlp-vs-cnn.cnn.ts',
    detail: 'Two models of the same size on MNIST, to train both and compare the runs' },
];
