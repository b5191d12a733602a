// Cross-entropy over the model's output, read the way the model's last layer makes it:
// logits, probabilities (ends in softmax) or log-probabilities (ends in logSoftmax). Reading the
// output correctly avoids a double softmax.
import * as tf from '@tensorflow/tfjs-core';
import { INPUT_ID, type ModelIR } from '../../dsl/ir';

export type OutputKind = 'logits' | 'probabilities' | 'logProbabilities';

/** What the output node produces: its own op or its fused activation, looking through dropout. */
export function outputKind(ir: ModelIR): OutputKind {
  let id = ir.output;
  for (;;) {
    if (id === INPUT_ID) return 'logits';
    const node = ir.nodes.find((n) => n.id === id);
    if (!node) return 'logits';
    const op = node.op;
    if (op.type === 'dropout') { id = node.inputs[0] ?? INPUT_ID; continue; }
    const act = op.type === 'dense' || op.type === 'conv2d' || op.type === 'depthwiseConv2d' ? op.activation : op.type;
    if (act === 'softmax') return 'probabilities';
    if (act === 'logSoftmax') return 'logProbabilities';
    return 'logits';
  }
}

/** Log-probabilities [n, classes] from the model's output. */
function logProbabilities(output: tf.Tensor, kind: OutputKind): tf.Tensor2D {
  const y = output as tf.Tensor2D;
  if (kind === 'logits') return tf.logSoftmax(y, -1);
  if (kind === 'probabilities') return tf.log(tf.clipByValue(y, 1e-7, 1));
  return y;
}

/** Mean cross-entropy of a batch: −mean log p(label). */
export function crossEntropy(output: tf.Tensor, labels: tf.Tensor1D, classes: number, kind: OutputKind): tf.Scalar {
  return tf.tidy(() => {
    const logp = logProbabilities(output, kind);
    const oneHot = tf.oneHot(labels, classes);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), -1))) as tf.Scalar;
  });
}
