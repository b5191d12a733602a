import type { TemplateId } from './templateList';
import blank from '../../../templates/blank.cnn.ts?text' with { type: 'text' };
import lenet from '../../../templates/lenet.cnn.ts?text' with { type: 'text' };
import mlpVsCnn from '../../../templates/mlp-vs-cnn.cnn.ts?text' with { type: 'text' };
import mobilenet from '../../../templates/mobilenet.cnn.ts?text' with { type: 'text' };
import resnet from '../../../templates/resnet.cnn.ts?text' with { type: 'text' };
import vgg from '../../../templates/vgg.cnn.ts?text' with { type: 'text' };

// The templates' text, inlined into dist/extension.js by esbuild's text loader (the import
// attribute; `?text` keeps TypeScript from reading the files as modules: textImports.d.ts), so
// the packaged extension carries them without shipping a folder of its own.

export const TEMPLATE_TEXTS: Record<TemplateId, string> = {
  blank, lenet, vgg, resnet, mobilenet, 'mlp-vs-cnn': mlpVsCnn,
};
