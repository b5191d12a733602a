// Optimizers with PyTorch's conventions: SGD (momentum, Nesterov), Adam, AdamW (decoupled
// weight decay), RMSprop (α = 0.99); weightDecay elsewhere is L2 added to the gradient, as
// PyTorch's `weight_decay`. The learning rate can be changed between steps.
import * as tf from '@tensorflow/tfjs-core';
import { SGD_MOMENTUM_KERNEL } from '../backends/kernelNames';
import type { ResolvedOptimizer } from '../../runs/types';

const EPSILON = 1e-8;

export class TrainOptimizer {
  readonly optimizer: tf.Optimizer;
  private lr: number;
  /**
   * SGD with momentum through SGD_MOMENTUM_KERNEL, where the backend has it (decided at the
   * first step, kept after): the accumulations by variable name, instead of `optimizer`'s.
   */
  private fused: Map<string, tf.Tensor> | null | undefined;

  constructor(private readonly spec: ResolvedOptimizer) {
    this.lr = spec.lr;
    switch (spec.type) {
      case 'sgd':
        this.optimizer = spec.momentum > 0 ? tf.train.momentum(spec.lr, spec.momentum, spec.nesterov) : tf.train.sgd(spec.lr);
        break;
      case 'adam':
      case 'adamw':
        this.optimizer = tf.train.adam(spec.lr, 0.9, 0.999, EPSILON);
        break;
      case 'rmsprop':
        this.optimizer = tf.train.rmsprop(spec.lr, 0.99, 0, EPSILON);
        break;
    }
  }

  get learningRate(): number {
    return this.lr;
  }

  setLearningRate(lr: number): void {
    this.lr = lr;
    const opt = this.optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
    // SGD and momentum keep a scalar tensor of the rate; Adam and RMSprop read the field.
    if (typeof opt.setLearningRate === 'function') opt.setLearningRate(lr);
    else opt.learningRate = lr;
  }

  /** One update of `vars` from `grads` (keyed by variable name), with weight decay. */
  step(vars: tf.Variable[], grads: tf.NamedTensorMap): void {
    const wd = this.spec.weightDecay;
    tf.tidy(() => {
      if (wd > 0 && this.spec.type === 'adamw') {
        // Decoupled: shrink the weights directly, before the Adam step (PyTorch's order).
        for (const v of vars) v.assign(tf.mul(v, 1 - this.lr * wd));
      }
      const list = vars.filter((v) => grads[v.name]).map((v) => {
        const g = grads[v.name]!;
        return { name: v.name, tensor: wd > 0 && this.spec.type !== 'adamw' ? tf.add(g, tf.mul(v, wd)) : g };
      });
      if (this.fused === undefined) {
        const sgdMomentum = this.spec.type === 'sgd' && this.spec.momentum > 0;
        this.fused = sgdMomentum && tf.getKernel(SGD_MOMENTUM_KERNEL, tf.getBackend()) ? new Map() : null;
      }
      if (this.fused) this.fusedMomentum(vars, list, this.fused);
      else this.optimizer.applyGradients(list);
    });
  }

  /** tfjs's MomentumOptimizer, one kernel call per variable instead of four. */
  private fusedMomentum(vars: tf.Variable[], list: Array<{ name: string; tensor: tf.Tensor }>, acc: Map<string, tf.Tensor>): void {
    const spec = this.spec as Extract<ResolvedOptimizer, { type: 'sgd' }>;
    const byName = new Map(vars.map((v) => [v.name, v]));
    for (const { name, tensor: gradient } of list) {
      const value = byName.get(name)!;
      const accumulation = acc.get(name) ?? tf.keep(tf.zerosLike(value));
      const [newValue, newAcc] = tf.engine().runKernel(SGD_MOMENTUM_KERNEL, { value, accumulation, gradient },
        { lr: this.lr, momentum: spec.momentum, nesterov: spec.nesterov }) as tf.Tensor[];
      value.assign(newValue!);
      accumulation.dispose();
      acc.set(name, tf.keep(newAcc!));
    }
  }

  dispose(): void {
    this.optimizer.dispose();
    if (this.fused) tf.dispose([...this.fused.values()]);
  }
}
