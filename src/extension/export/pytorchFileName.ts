import * as path from 'node:path';

// Where Export to PyTorch offers to write a model's module: beside the model file, named after
// it (`lenet.cnn.ts` → `lenet.py`); in a file with several models, the others get the export's
// name too (`mlp-vs-cnn.mlp.py`).

/** The suggested path of the module for `exportName` of `modelFile`; `primary`: the file's first (default) model. */
export function pytorchFileName(modelFile: string, exportName: string, primary: boolean): string {
  const base = path.basename(modelFile).replace(/\.cnn\.ts$/, '');
  const name = primary ? base : `${base}.${exportName}`;
  return path.join(path.dirname(modelFile), `${name}.py`);
}
