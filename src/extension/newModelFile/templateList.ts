// The templates CNN: New Model File offers, in the order its quick pick lists them (their
// names and descriptions, translated, are in register.ts). Each one's
// text is templates/<id>.cnn.ts, a model file that needs nothing beside it (no relative
// imports), bundled into the extension by templateTexts.ts.

export const TEMPLATE_IDS = ['blank', 'lenet', 'vgg', 'resnet', 'mobilenet', 'mlp-vs-cnn'] as const;
export type TemplateId = typeof TEMPLATE_IDS[number];

export interface ModelTemplate {
  id: TemplateId;
  /** The name the new file is offered under (made unique in the folder it goes to). */
  fileName: string;
}

export const MODEL_TEMPLATES: readonly ModelTemplate[] = [
  { id: 'blank', fileName: 'model.cnn.ts' },
  { id: 'lenet', fileName: 'lenet.cnn.ts' },
  { id: 'vgg', fileName: 'vgg.cnn.ts' },
  { id: 'resnet', fileName: 'resnet.cnn.ts' },
  { id: 'mobilenet', fileName: 'mobilenet.cnn.ts' },
  { id: 'mlp-vs-cnn', fileName: 'mlp-vs-cnn.cnn.ts' },
];
